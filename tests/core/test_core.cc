// Unit tests of the core library pieces that need no generated data model:
// identities, hashing, columns, parameters, member-line parsing, definitions.
#include "podml/CollectionIDTable.h"
#include "podml/Column.h"
#include "podml/DType.h"
#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/GenericParameters.h"
#include "podml/ObjectID.h"
#include "podml/detail/Ragged.h"

#include <gtest/gtest.h>

#include <thread>
#include <unordered_set>

using namespace podml;

TEST(ObjectID, PodioValues) {
  EXPECT_EQ(ObjectID::untracked, -1);
  EXPECT_EQ(ObjectID::invalid, -2);
  const ObjectID def{};
  EXPECT_EQ(def.index, -1);
  EXPECT_EQ(def.collectionID, 0xffffffffu);
  const ObjectID a{3, 42}, b{3, 42}, c{4, 42}, d{0, 43};
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_LT(a, c);
  EXPECT_LT(c, d); // collection first
  std::unordered_set<ObjectID> set{a, b, c};
  EXPECT_EQ(set.size(), 2u);
}

TEST(MurmurHash3, ReferenceVectors) {
  // Published test vectors of MurmurHash3_x86_32.
  EXPECT_EQ(murmurHash3_x86_32("", 0), 0u);
  EXPECT_EQ(murmurHash3_x86_32("", 1), 0x514E28B7u);
  EXPECT_EQ(murmurHash3_x86_32("", 0xffffffff), 0x81F16F39u);
  EXPECT_EQ(murmurHash3_x86_32(std::string_view("\0\0\0\0", 4), 0), 0x2362F9DEu);
  EXPECT_EQ(murmurHash3_x86_32("aaaa", 0x9747b28c), 0x5A97808Au);
  EXPECT_EQ(murmurHash3_x86_32("aaa", 0x9747b28c), 0x283E0130u);
  EXPECT_EQ(murmurHash3_x86_32("aa", 0x9747b28c), 0x5D211726u);
  EXPECT_EQ(murmurHash3_x86_32("a", 0x9747b28c), 0x7FA09EA6u);
  EXPECT_EQ(murmurHash3_x86_32("Hello, world!", 0x9747b28c), 0x24884CBAu);
  EXPECT_EQ(murmurHash3_x86_32("The quick brown fox jumps over the lazy dog", 0x9747b28c), 0x2FA826CDu);
}

TEST(CollectionIDTable, AddLookupAndStableIDs) {
  CollectionIDTable t;
  const uint32_t id = t.add("MCParticles");
  EXPECT_EQ(id, collectionIDFromName("MCParticles"));
  EXPECT_EQ(t.add("MCParticles"), id);
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.collectionID("MCParticles"), id);
  EXPECT_EQ(t.name(id), "MCParticles");
  EXPECT_FALSE(t.collectionID("Nope").has_value());
  EXPECT_FALSE(t.name(id + 1).has_value());
  EXPECT_TRUE(t.present("MCParticles"));
  EXPECT_THROW(CollectionIDTable({1, 2}, {"a"}), UsageError);
}

TEST(DType, CppTypeMapping) {
  EXPECT_EQ(dtypeFromCppType("float"), DType::Float32);
  EXPECT_EQ(dtypeFromCppType("double"), DType::Float64);
  EXPECT_EQ(dtypeFromCppType("int"), DType::Int32);
  EXPECT_EQ(dtypeFromCppType("std::int16_t"), DType::Int16);
  EXPECT_EQ(dtypeFromCppType("uint64_t"), DType::UInt64);
  EXPECT_EQ(dtypeFromCppType("unsigned long long"), DType::UInt64);
  EXPECT_EQ(dtypeFromCppType("long"), DType::Int64);
  EXPECT_EQ(dtypeFromCppType("bool"), DType::Bool);
  EXPECT_FALSE(dtypeFromCppType("std::string").has_value());
  EXPECT_FALSE(dtypeFromCppType("edm4hep::Vector3f").has_value());
  EXPECT_EQ(dtypeOf<long long>(), DType::Int64);
  EXPECT_EQ(dtypeOf<unsigned>(), DType::UInt32);
  for (auto t : {DType::Bool, DType::Int8, DType::UInt16, DType::Float64, DType::ObjectID}) {
    EXPECT_EQ(dtypeFromName(dtypeName(t)), t);
  }
}

TEST(Column, GrowsAlignedAndKeepsValues) {
  Column c(DType::Float32);
  for (int i = 0; i < 1000; ++i) {
    c.push_back<float>(static_cast<float>(i));
  }
  EXPECT_EQ(c.size(), 1000u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(c.rawData()) % 64, 0u);
  const auto s = c.span<float>();
  EXPECT_EQ(s.size(), 1000u);
  EXPECT_EQ(s[999], 999.f);
  EXPECT_THROW((void)c.span<double>(), UsageError);
  Column copy = c;
  EXPECT_EQ(copy, c);
  copy.data<float>()[0] = -1.f;
  EXPECT_NE(copy, c);
  c.resize(1200);
  EXPECT_EQ(c.span<float>()[1100], 0.f);
}

TEST(Column, WideRowsAndSelfAppend) {
  Column c(DType::Int32, 3);
  for (int i = 0; i < 4; ++i) {
    const auto row = c.appendZeroRow();
    for (int k = 0; k < 3; ++k) {
      c.data<int32_t>()[row * 3 + k] = 10 * i + k;
    }
  }
  EXPECT_EQ(c.span<int32_t>().size(), 12u);
  // Appending from itself must survive the reallocation it may trigger.
  for (int i = 0; i < 50; ++i) {
    c.appendRows(c, 1, 2);
  }
  EXPECT_EQ(c.size(), 104u);
  EXPECT_EQ(c.data<int32_t>()[103 * 3 + 2], 22);
  EXPECT_EQ(c.data<int32_t>()[102 * 3 + 0], 10);
}

TEST(Ragged, InterleavedAppendsKeepEachObjectContiguous) {
  Column begin(DType::UInt32), end(DType::UInt32), values(DType::Float64);
  for (int i = 0; i < 3; ++i) {
    begin.push_back<uint32_t>(0);
    end.push_back<uint32_t>(0);
  }
  Column* cols[] = {&values};
  auto add = [&](std::size_t row, double v) {
    const auto slot = detail::raggedAppendSlot(begin, end, cols, row);
    values.data<double>()[slot] = v;
  };
  add(0, 1.0);
  add(1, 10.0);
  add(0, 2.0); // object 0 is no longer last: it moves
  add(2, 100.0);
  add(0, 3.0);
  add(1, 20.0);
  auto get = [&](std::size_t row) {
    std::vector<double> out;
    for (uint32_t k = begin.data<uint32_t>()[row]; k < end.data<uint32_t>()[row]; ++k) {
      out.push_back(values.data<double>()[k]);
    }
    return out;
  };
  EXPECT_EQ(get(0), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(get(1), (std::vector<double>{10, 20}));
  EXPECT_EQ(get(2), (std::vector<double>{100}));
}

TEST(GenericParameters, AllTypesAndVectors) {
  GenericParameters p;
  p.set("i", 42);
  p.set("f", 1.5f);
  p.set("d", 2.25);
  p.set("s", "hello");
  p.set("vi", std::vector<int>{1, 2, 3});
  p.set("vs", {"a", "b"});
  EXPECT_EQ(p.get<int>("i"), 42);
  EXPECT_EQ(p.get<float>("f"), 1.5f);
  EXPECT_EQ(p.get<double>("d"), 2.25);
  EXPECT_EQ(p.get<std::string>("s"), "hello");
  EXPECT_EQ(p.get<std::vector<int>>("vi"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(p.get<int>("vi"), 1);
  EXPECT_EQ(p.get<std::vector<std::string>>("vs"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(p.get<int>("f").has_value());
  EXPECT_FALSE(p.get<double>("missing").has_value());
  EXPECT_EQ(p.getKeys<int>(), (std::vector<std::string>{"i", "vi"}));
  GenericParameters q = p;
  EXPECT_EQ(p, q);
  q.set("i", 43);
  EXPECT_FALSE(p == q);
  q.clear();
  EXPECT_TRUE(q.empty());
}

TEST(GenericParameters, ConcurrentWriters) {
  GenericParameters p;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&p, t] {
      for (int i = 0; i < 500; ++i) {
        p.set("k" + std::to_string(t) + "_" + std::to_string(i), i);
        (void)p.get<int>("k0_0");
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(p.getN<int>(), 2000u);
}

TEST(MemberLine, PodioGrammar) {
  auto parse = [](std::string_view s) { return std::get<MemberDef>(parseMemberLine(s)); };
  const auto m = parse("float charge [e] // particle charge");
  EXPECT_EQ(m.type, "float");
  EXPECT_EQ(m.name, "charge");
  EXPECT_EQ(m.unit, "e");
  EXPECT_EQ(m.description, "particle charge");
  const auto o = parse("float omega [1/mm] // is the signed curvature of the track");
  EXPECT_EQ(o.unit, "1/mm");
  const auto d = parse("int32_t helicity{9}                     // particle helicity (9 if unset)");
  EXPECT_EQ(d.defaultValue, "9");
  EXPECT_EQ(d.type, "int32_t");
  const auto a = parse("std::array<float, 10> values // the covariance matrix values");
  EXPECT_TRUE(a.isArray);
  EXPECT_EQ(a.arrayType, "float");
  EXPECT_EQ(a.arraySize, 10u);
  const auto b = parse("std::array<int,2>anArray//c");
  EXPECT_EQ(b.name, "anArray");
  const auto n = parse("edm4hep::Vector3d vertex [mm]");
  EXPECT_EQ(n.type, "edm4hep::Vector3d");
  EXPECT_EQ(n.description, "");
  const auto u = parse("unsigned long long cellID // id");
  EXPECT_EQ(u.type, "unsigned long long");
  EXPECT_EQ(parse(m.toLine()).toLine(), m.toLine());
  EXPECT_TRUE(std::holds_alternative<MemberParseError>(parseMemberLine("float")));
  EXPECT_TRUE(std::holds_alternative<MemberParseError>(parseMemberLine("int x{} // empty default")));
  EXPECT_TRUE(std::holds_alternative<MemberParseError>(parseMemberLine("int 2x // bad name")));
}

TEST(Definition, FlattensComponentsIntoColumns) {
  const char* json = R"({"name": "t", "schema_version": 2,
    "components": {"t::V": {"Members": ["float x", "float y"]},
                   "t::W": {"Members": ["t::V v [mm]", "std::array<int, 3> c", "std::array<t::V, 2> p"]}},
    "datatypes": {"t::D": {"Description": "d", "Author": "a",
        "Members": ["double e [GeV] // energy", "t::W w // nested", "std::array<float, 4> a{1, 2, 3, 4} // arr"],
        "VectorMembers": ["t::V pts // points", "int n // numbers"],
        "OneToOneRelations": ["t::D one // one"], "OneToManyRelations": ["t::D many // many"]}},
    "interfaces": {}, "links": {"t::L": {"Description": "l", "Author": "a", "From": "t::D", "To": "t::D"}}})";
  const auto dm = DataModelDefinition::fromJson(json);
  const auto* d = dm.datatype("t::D");
  ASSERT_NE(d, nullptr);
  std::vector<std::string> paths;
  for (const auto& c : d->columns) {
    paths.push_back(c.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"e", "w.v.x", "w.v.y", "w.c", "w.p.x", "w.p.y", "a", "pts.x", "pts.y", "n",
                                             "pts_begin", "pts_end", "n_begin", "n_end", "many_begin", "many_end"}));
  EXPECT_EQ(d->column("w.v.x")->unit, "mm");
  EXPECT_EQ(d->column("w.c")->shape, (std::vector<uint32_t>{3}));
  EXPECT_EQ(d->column("w.p.y")->shape, (std::vector<uint32_t>{2}));
  EXPECT_EQ(d->column("a")->width(), 4u);
  EXPECT_EQ(d->column("e")->dtype, DType::Float64);
  EXPECT_EQ(d->column("pts.x")->kind, ColumnKind::VectorValue);
  EXPECT_EQ(d->relations.size(), 2u);
  EXPECT_EQ(d->hash.size(), 16u);
  const auto* l = dm.datatype("t::L");
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->isLink);
  EXPECT_EQ(l->columns.front().path, "weight");
  EXPECT_EQ(l->relations.at(0).name, "from");
  // The same JSON gives the same definition and hash.
  EXPECT_EQ(DataModelDefinition::fromJson(dm.json).hash, dm.hash);
}

TEST(Definition, BadJsonIsADefinitionError) {
  EXPECT_THROW(DataModelDefinition::fromJson("{"), DefinitionError);
  EXPECT_THROW(DataModelDefinition::fromJson(R"({"name": "x"})"), DefinitionError);
  EXPECT_THROW(DataModelDefinition::fromJson(R"({"name": "x", "schema_version": 0})"), DefinitionError);
  EXPECT_THROW(DataModelDefinition::fromJson(
                   R"({"name": "x", "schema_version": 1, "datatypes": {"D": {"Members": ["Unknown u // u"]}}})"),
               DefinitionError);
  EXPECT_THROW(DataModelDefinition::fromJson(R"({"name": "x", "schema_version": 1, "datatypes": {"D": {"Members": [3]}}})"),
               DefinitionError);
}
