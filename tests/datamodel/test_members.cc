// Unit tests of member access in the testdm data model (ex::WithEverything and
// friends): vector members (builtin and component, interleaved appends),
// std::array members, YAML defaults, exposePODMembers getters/setters, the
// write-back component accessor of mutable handles, ExtraCode and
// MutableExtraCode, and the struct-of-arrays columns (typed spans, shapes,
// zero-copy, errors) plus the collection's per-member accessors.

#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/Exceptions.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

using namespace ex;

namespace {

// ---------------------------------------------------------------- vector members

TEST(VectorMembers, BuiltinAppendAndRead) {
  WithEverythingCollection coll;
  auto o = coll.create();
  EXPECT_EQ(o.weights_size(), 0u);
  EXPECT_TRUE(o.weights().empty());
  o.addweights(1.5);
  o.addweights(2.5);
  o.addweights(-1.);
  ASSERT_EQ(o.weights_size(), 3u);
  EXPECT_EQ(o.weights(0), 1.5);
  EXPECT_EQ(o.weights(2), -1.);
  std::vector<double> got(o.weights_begin(), o.weights_end());
  EXPECT_EQ(got, (std::vector<double>{1.5, 2.5, -1.}));
  std::vector<double> viaSpan(o.weights().begin(), o.weights().end());
  EXPECT_EQ(viaSpan, got);
}

TEST(VectorMembers, ComponentAppendAndRead) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.addpoints({1.f, 2.f});
  o.addpoints({3.f, 4.f});
  ASSERT_EQ(o.points_size(), 2u);
  EXPECT_EQ(o.points(0).a, 1.f);
  EXPECT_EQ(o.points(1).b, 4.f);
  EXPECT_EQ(o.points().at(1).a, 3.f);
  EXPECT_THROW(o.points().at(2), std::out_of_range);
  float sum = 0.f;
  for (const Vec2 v : o.points()) {
    sum += v.a + v.b;
  }
  EXPECT_EQ(sum, 10.f);
  EXPECT_EQ(o.points_end() - o.points_begin(), 2);
}

TEST(VectorMembers, InterleavedAppendsKeepEachObjectsValues) {
  WithEverythingCollection coll;
  constexpr int kObjects = 4;
  constexpr int kRounds = 5;
  std::vector<MutableWithEverything> objs;
  for (int i = 0; i < kObjects; ++i) {
    objs.push_back(coll.create());
  }
  for (int r = 0; r < kRounds; ++r) {
    for (int i = 0; i < kObjects; ++i) {
      objs[i].addweights(100. * i + r);
      objs[(i + 1) % kObjects].addpoints({float(10 * i + r), float(-(10 * i + r))});
    }
  }
  for (int i = 0; i < kObjects; ++i) {
    const auto o = std::as_const(coll)[static_cast<std::size_t>(i)];
    ASSERT_EQ(o.weights_size(), std::size_t(kRounds));
    ASSERT_EQ(o.points_size(), std::size_t(kRounds));
    const int src = (i + kObjects - 1) % kObjects;
    for (int r = 0; r < kRounds; ++r) {
      EXPECT_EQ(o.weights(r), 100. * i + r) << "object " << i << " round " << r;
      EXPECT_EQ(o.points(r).a, float(10 * src + r)) << "object " << i << " round " << r;
      EXPECT_EQ(o.points(r).b, -float(10 * src + r));
    }
  }
}

TEST(VectorMembers, AppendingAfterPushingFreeObjectsInterleaved) {
  MutableWithEverything a, b;
  a.addweights(1.);
  b.addweights(10.);
  WithEverythingCollection coll;
  coll.push_back(a);
  coll.push_back(b);
  a.addweights(2.);
  b.addweights(20.);
  a.addweights(3.);
  auto c = coll.create();
  c.addweights(100.);
  b.addweights(30.);
  EXPECT_EQ(std::vector<double>(a.weights().begin(), a.weights().end()), (std::vector<double>{1., 2., 3.}));
  EXPECT_EQ(std::vector<double>(b.weights().begin(), b.weights().end()), (std::vector<double>{10., 20., 30.}));
  EXPECT_EQ(std::vector<double>(c.weights().begin(), c.weights().end()), (std::vector<double>{100.}));
  EXPECT_DOUBLE_EQ(a.weightSum(), 6.);
  EXPECT_DOUBLE_EQ(b.weightSum(), 60.);
}

TEST(VectorMembers, ManyValuesForceReallocation) {
  WithEverythingCollection coll;
  auto a = coll.create();
  auto b = coll.create();
  for (int i = 0; i < 1000; ++i) {
    a.addweights(i);
    b.addweights(-i);
  }
  ASSERT_EQ(a.weights_size(), 1000u);
  ASSERT_EQ(b.weights_size(), 1000u);
  double sa = 0, sb = 0;
  for (int i = 0; i < 1000; ++i) {
    sa += a.weights(i);
    sb += b.weights(i);
  }
  EXPECT_EQ(sa, 999. * 1000. / 2.);
  EXPECT_EQ(sb, -999. * 1000. / 2.);
  EXPECT_EQ(a.weights(999), 999.);
  EXPECT_EQ(b.weights(500), -500.);
}

// ---------------------------------------------------------------- arrays

TEST(Arrays, WholeArrayAndElementAccess) {
  MutableWithEverything o;
  o.arr({1.f, 2.f, 3.f, 4.f});
  EXPECT_EQ(o.arr(), (std::array<float, 4>{1.f, 2.f, 3.f, 4.f}));
  EXPECT_EQ(o.arr(2), 3.f);
  o.arr(std::size_t{1}, 20.f);
  EXPECT_EQ(o.arr(), (std::array<float, 4>{1.f, 20.f, 3.f, 4.f}));
  o.shortArr(std::size_t{0}, std::int16_t{-7});
  EXPECT_EQ(o.shortArr(0), -7);
  EXPECT_EQ(o.shortArr(1), 2);
  o.comps(std::size_t{2}, Vec2{5.f, 6.f});
  EXPECT_EQ(o.comps(2).a, 5.f);
  EXPECT_EQ(o.comps(2).b, 6.f);
  EXPECT_EQ(o.comps(0).a, 0.f);
  WithEverything view = o;
  EXPECT_EQ(view.arr(1), 20.f);
  static_assert(std::is_same_v<decltype(view.arr(0)), float>);
}

TEST(Arrays, ArraysOfNeighbouringObjectsDoNotOverlap) {
  WithEverythingCollection coll;
  for (int i = 0; i < 5; ++i) {
    auto o = coll.create();
    o.arr({float(4 * i), float(4 * i + 1), float(4 * i + 2), float(4 * i + 3)});
    o.comps({Vec2{float(i), 0.f}, Vec2{0.f, float(i)}, Vec2{float(i), float(i)}});
  }
  for (int i = 0; i < 5; ++i) {
    const auto o = std::as_const(coll)[static_cast<std::size_t>(i)];
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(o.arr(k), float(4 * i + k));
    }
    EXPECT_EQ(o.comps(1).b, float(i));
    EXPECT_EQ(o.comps(2).a, float(i));
  }
}

TEST(Arrays, ArrayInsideNestedComponent) {
  WithEverythingCollection coll;
  auto o = coll.create();
  auto o2 = coll.create();
  o.counts({1, 2, 3});
  o.pairs({Vec2{1.f, 2.f}, Vec2{3.f, 4.f}});
  EXPECT_EQ(o.counts(), (std::array<int, 3>{1, 2, 3}));
  EXPECT_EQ(o.pairs()[1].b, 4.f);
  EXPECT_EQ(o2.counts(), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(o.nested().counts[2], 3);
  EXPECT_EQ(o.tag(), 7) << "setting a sibling must not reset the component default";
}

// ---------------------------------------------------------------- defaults

TEST(Defaults, CreateAndFreeObjectsUseYamlDefaults) {
  WithEverythingCollection coll;
  auto viaCreate = coll.create();
  MutableWithEverything free;
  WithEverything freeImm;
  for (const WithEverything& o : {WithEverything(viaCreate), WithEverything(free), freeImm}) {
    EXPECT_EQ(o.scalar(), 2.5f);
    EXPECT_EQ(o.shortArr(), (std::array<std::int16_t, 2>{1, 2}));
    EXPECT_TRUE(o.flag());
    EXPECT_EQ(o.tag(), 7);
    EXPECT_EQ(o.nested().tag, 7);
    EXPECT_EQ(o.arr(), (std::array<float, 4>{}));
    EXPECT_EQ(o.bigID(), 0u);
    EXPECT_EQ(o.letter(), '\0');
    EXPECT_EQ(o.x(), 0.);
    EXPECT_EQ(o.weights_size(), 0u);
  }
  MCCollection mcs;
  EXPECT_EQ(mcs.create().status(), 1);
  EXPECT_EQ(MutableMC().status(), 1);
}

TEST(Defaults, ComponentDefaultFromPlainConstruction) {
  NestedComp n;
  EXPECT_EQ(n.tag, 7);
  EXPECT_EQ(n.inner.a, 0.f);
}

TEST(Defaults, MemberConstructorOverridesDefaults) {
  NestedComp n;
  n.tag = 3;
  MutableWithEverything o(1.f, {1.f, 2.f, 3.f, 4.f}, {5, 6}, Vec3{1., 2., 3.}, n, {}, 99u, false, 'q');
  EXPECT_EQ(o.scalar(), 1.f);
  EXPECT_EQ(o.shortArr(1), 6);
  EXPECT_FALSE(o.flag());
  EXPECT_EQ(o.tag(), 3);
  EXPECT_EQ(o.bigID(), 99u);
  EXPECT_EQ(o.letter(), 'q');
  WithEverythingCollection coll;
  auto c = coll.create(1.f, {1.f, 2.f, 3.f, 4.f}, {5, 6}, Vec3{1., 2., 3.}, n, {}, 99u, false, 'q');
  EXPECT_EQ(c.y(), 2.);
  EXPECT_EQ(c.tag(), 3);
  EXPECT_FALSE(c.flag());
}

// ---------------------------------------------------------------- exposePODMembers

TEST(ExposePOD, ComponentMemberGettersAndSetters) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.position({1., 2., 3.});
  EXPECT_EQ(o.x(), 1.);
  EXPECT_EQ(o.y(), 2.);
  EXPECT_EQ(o.z(), 3.);
  o.y(20.);
  EXPECT_EQ(o.position().x, 1.);
  EXPECT_EQ(o.position().y, 20.);
  EXPECT_EQ(o.position().z, 3.);
  o.inner(Vec2{7.f, 8.f});
  EXPECT_EQ(o.inner().a, 7.f);
  EXPECT_EQ(o.nested().inner.b, 8.f);
  o.tag(11);
  EXPECT_EQ(o.nested().tag, 11);
  EXPECT_EQ(o.inner().a, 7.f) << "setting one sub-member keeps the others";
  static_assert(std::is_same_v<decltype(std::declval<const WithEverything&>().x()), double>);
}

TEST(ExposePOD, ComponentExtraCodeOnReturnedValue) {
  MutableWithEverything o;
  o.position({3., 4., 12.});
  EXPECT_DOUBLE_EQ(o.position().norm(), 13.);
  EXPECT_DOUBLE_EQ(WithEverything(o).position().norm(), 13.);
}

// ---------------------------------------------------------------- write-back accessor

// podio: `mut.position().x = 3;` assigns through the mutable reference that
// the mutable getter returns (podio's "Component" test). The checks are
// templates so that a generated API where this does not compile shows up as a
// failing test rather than a broken build.
template <typename M>
concept AssignsComponentField = requires(M& m) { m.position().x = 3.; };
template <typename M>
concept AssignsNestedComponentField = requires(M& m) { m.nested().inner.b = 9.f; };

template <typename M>
void assignComponentField(M& o) {
  if constexpr (AssignsComponentField<M>) {
    o.position().x = 3.;
    EXPECT_EQ(o.x(), 3.);
  } else {
    FAIL() << "`mut.position().x = 3;` does not compile: the mutable component accessor returns a prvalue, "
              "whose data members are not assignable";
  }
}

template <typename M>
void assignNestedComponentField(M& o) {
  if constexpr (AssignsNestedComponentField<M>) {
    o.nested().inner.b = 9.f;
    EXPECT_EQ(o.inner().b, 9.f);
    EXPECT_EQ(o.tag(), 7);
  } else {
    FAIL() << "`mut.nested().inner.b = 9.f;` does not compile (mutable component accessor returns a prvalue)";
  }
}

TEST(WriteBack, MutableComponentAccessorAssignsField) {
  WithEverythingCollection coll;
  auto o = coll.create();
  assignComponentField(o);
  EXPECT_EQ(coll.column<double>("position.x")[0], std::as_const(coll)[0].x());
}

TEST(WriteBack, MutableNestedComponentAccessorAssignsField) {
  WithEverythingCollection coll;
  auto o = coll.create();
  assignNestedComponentField(o);
}

TEST(WriteBack, MutableAccessorThroughMemberFunctionsAndSubscripts) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.position() = Vec3{1., 2., 3.};
  EXPECT_EQ(o.y(), 2.);
  o.arr()[3] = 4.5f;
  EXPECT_EQ(o.arr(3), 4.5f);
  o.comps()[1].a = 2.f;
  EXPECT_EQ(o.comps(1).a, 2.f);
  o.nested().counts.fill(5);
  EXPECT_EQ(o.counts(), (std::array<int, 3>{5, 5, 5}));
  EXPECT_EQ(coll.column<int>("nested.counts")[2], 5);
}

TEST(WriteBack, ScopedMutableReferenceWrittenAtEndOfScope) {
  WithEverythingCollection coll;
  auto o = coll.create();
  auto o2 = coll.create();
  {
    auto&& p = o.position();
    p.x = 1.;
    p.z = 5.;
  }
  EXPECT_EQ(o.x(), 1.);
  EXPECT_EQ(o.z(), 5.);
  EXPECT_EQ(o2.x(), 0.) << "write-back must target the right row";
}

TEST(WriteBack, ReadOnlyReferenceDoesNotClobberSetter) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.position({1., 2., 3.});
  {
    const auto& p = o.position();
    EXPECT_EQ(p.y, 2.);
    o.y(42.);
    o.position({7., 42., 9.});
  }
  EXPECT_EQ(o.x(), 7.);
  EXPECT_EQ(o.y(), 42.);
  EXPECT_EQ(o.z(), 9.);
  {
    const auto& n = o.nested();
    o.tag(123);
    EXPECT_EQ(n.tag, 7);
  }
  EXPECT_EQ(o.tag(), 123);
}

TEST(WriteBack, WorksOnFreeObjectAndSurvivesPushBackAfterScope) {
  MutableWithEverything o;
  {
    auto&& p = o.position();
    p.z = 8.;
  }
  WithEverythingCollection coll;
  coll.push_back(o);
  EXPECT_EQ(coll[0].z(), 8.);
  {
    auto&& p = coll[0].position();
    p.y = 6.;
  }
  EXPECT_EQ(o.y(), 6.);
}

TEST(WriteBack, ModificationThroughReferenceHeldAcrossPushBackIsKept) {
  // podio: `auto&& p = obj.position();` is a reference into the object's data,
  // which moves into the collection with the object; the change is kept.
  MutableWithEverything o;
  WithEverythingCollection coll;
  {
    auto&& p = o.position();
    p.x = 4.;
    coll.push_back(o);
  }
  EXPECT_EQ(coll[0].x(), 4.) << "change made through a component reference before push_back was lost";
}

TEST(WriteBack, ConstHandleReturnsValue) {
  WithEverythingCollection coll;
  coll.create();
  const auto& cc = coll;
  static_assert(std::is_same_v<decltype(cc[0].position()), Vec3>);
  static_assert(std::is_same_v<decltype(std::declval<const MutableWithEverything&>().position()), Vec3>);
  EXPECT_EQ(cc[0].position().x, 0.);
}

// ---------------------------------------------------------------- extra code

template <typename T>
concept HasDoubleScalar = requires(T& t) { t.doubleScalar(); };

TEST(ExtraCode, ImmutableExtraCodeOnBothHandles) {
  MutableWithEverything o;
  EXPECT_EQ(o.weightSum(), 0.);
  o.addweights(1.25);
  o.addweights(2.75);
  EXPECT_DOUBLE_EQ(o.weightSum(), 4.);
  WithEverything view = o;
  EXPECT_DOUBLE_EQ(view.weightSum(), 4.);
}

TEST(ExtraCode, MutableExtraCodeChangesTheObject) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.doubleScalar();
  EXPECT_EQ(o.scalar(), 5.f);
  o.doubleScalar();
  EXPECT_EQ(std::as_const(coll)[0].scalar(), 10.f);
  static_assert(!HasDoubleScalar<WithEverything>, "MutableExtraCode must only be on the mutable handle");
  static_assert(HasDoubleScalar<MutableWithEverything>);
}

// ---------------------------------------------------------------- columns

TEST(Columns, ScalarColumnByName) {
  WithEverythingCollection coll;
  for (int i = 0; i < 5; ++i) {
    coll.create().scalar(float(i) * 0.5f);
  }
  auto s = coll.column<float>("scalar");
  ASSERT_EQ(s.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s[i], float(i) * 0.5f);
  }
  auto big = coll.column<std::uint64_t>("bigID");
  EXPECT_EQ(big.size(), 5u);
  auto flags = coll.column<bool>("flag");
  EXPECT_TRUE(flags[4]);
}

TEST(Columns, ComponentLeafColumns) {
  WithEverythingCollection coll;
  for (int i = 0; i < 4; ++i) {
    auto o = coll.create();
    o.position({double(i), 10. * i, 100. * i});
    o.inner(Vec2{float(i), -float(i)});
  }
  auto x = coll.column<double>("position.x");
  auto z = coll.column<double>("position.z");
  auto ia = coll.column<float>("nested.inner.a");
  auto ib = coll.column<float>("nested.inner.b");
  ASSERT_EQ(x.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(x[i], double(i));
    EXPECT_EQ(z[i], 100. * i);
    EXPECT_EQ(ia[i], float(i));
    EXPECT_EQ(ib[i], -float(i));
  }
  EXPECT_EQ(coll.column<std::int32_t>("nested.tag")[3], 7);
}

TEST(Columns, ArrayColumnIsRowMajor) {
  WithEverythingCollection coll;
  for (int i = 0; i < 3; ++i) {
    coll.create().arr({float(i), float(i) + 0.25f, float(i) + 0.5f, float(i) + 0.75f});
  }
  auto arr = coll.column<float>("arr");
  ASSERT_EQ(arr.size(), 12u) << "arr has 4 values per object";
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(arr[4 * i + k], float(i) + 0.25f * k);
    }
  }
  EXPECT_EQ(coll.column("arr").width(), 4u);
  auto sa = coll.column<std::int16_t>("shortArr");
  ASSERT_EQ(sa.size(), 6u);
  EXPECT_EQ(sa[4], 1);
  EXPECT_EQ(sa[5], 2);
  auto ca = coll.column<float>("comps.a");
  EXPECT_EQ(ca.size(), 9u);
  auto pb = coll.column<float>("nested.pairs.b");
  EXPECT_EQ(pb.size(), 6u);
}

TEST(Columns, ContiguousZeroCopyAndLive) {
  WithEverythingCollection coll;
  for (int i = 0; i < 8; ++i) {
    coll.create();
  }
  auto a = coll.column<float>("scalar");
  auto b = coll.column<float>("scalar");
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a.data(), coll.scalar().data());
  EXPECT_EQ(a.data(), coll.columns()[0].data<float>());
  coll[5].scalar(-3.f);
  EXPECT_EQ(a[5], -3.f) << "a span is a view, not a copy";
  coll[2].x(4.);
  EXPECT_EQ(coll.column<double>("position.x")[2], 4.);
  EXPECT_EQ(coll.column<double>("position.x").data(), coll.column<double>("position.x").data());
}

TEST(Columns, WrongDtypeOrUnknownPathThrows) {
  WithEverythingCollection coll;
  coll.create();
  EXPECT_THROW(coll.column<double>("scalar"), podml::UsageError);
  EXPECT_THROW(coll.column<float>("position.x"), podml::UsageError);
  EXPECT_THROW(coll.column<int>("bigID"), podml::UsageError);
  EXPECT_THROW(coll.column<float>("nope"), podml::UsageError);
  EXPECT_THROW(coll.column<double>("position"), podml::UsageError) << "a component is not a leaf column";
  EXPECT_THROW(coll.column<float>("nested.inner"), podml::UsageError);
  EXPECT_THROW(coll.column("position.w"), podml::UsageError);
}

TEST(Columns, VectorMemberColumns) {
  WithEverythingCollection coll;
  auto a = coll.create();
  auto b = coll.create();
  a.addweights(1.);
  a.addweights(2.);
  b.addweights(3.);
  b.addpoints({1.f, 2.f});
  auto begin = coll.column<std::uint32_t>("weights_begin");
  auto end = coll.column<std::uint32_t>("weights_end");
  auto values = coll.column<double>("weights");
  ASSERT_EQ(begin.size(), 2u);
  ASSERT_EQ(end.size(), 2u);
  EXPECT_EQ(end[0] - begin[0], 2u);
  EXPECT_EQ(end[1] - begin[1], 1u);
  EXPECT_EQ(values[begin[0]], 1.);
  EXPECT_EQ(values[begin[0] + 1], 2.);
  EXPECT_EQ(values[begin[1]], 3.);
  EXPECT_EQ(coll.column<float>("points.b")[coll.column<std::uint32_t>("points_begin")[1]], 2.f);
}

TEST(Columns, CollectionMemberAccessors) {
  WithEverythingCollection coll;
  for (int i = 0; i < 3; ++i) {
    auto o = coll.create();
    o.position({double(i), 0., 0.});
    o.bigID(std::uint64_t(1) << (40 + i));
    o.letter(char('a' + i));
    o.tag(i);
  }
  auto pos = coll.position();
  ASSERT_EQ(pos.size(), 3u);
  EXPECT_EQ(pos[2].x, 2.);
  EXPECT_EQ(coll.position(2).size(), 2u);
  EXPECT_EQ(coll.position(10).size(), 3u) << "no invented values";
  EXPECT_EQ(coll.nested()[1].tag, 1);
  EXPECT_EQ(coll.bigID()[2], std::uint64_t(1) << 42);
  EXPECT_EQ(coll.letter()[1], 'b');
  EXPECT_EQ(coll.arr().size(), 12u);
  EXPECT_EQ(coll.shortArr().size(), 6u);
  EXPECT_EQ(coll.comps().size(), 3u);
  EXPECT_EQ(coll.flag().size(), 3u);

  MCCollection mcs;
  mcs.create(1., 11, 2);
  mcs.create(2., 13, 3);
  EXPECT_EQ(mcs.PDG()[1], 13);
  EXPECT_EQ(mcs.status()[0], 2);
  EXPECT_EQ(mcs.energy()[1], 2.);
}

TEST(Columns, ColumnsFollowDefinitionOrder) {
  WithEverythingCollection coll;
  coll.create();
  const auto& def = coll.definition();
  ASSERT_EQ(coll.columns().size(), def.columns.size());
  for (std::size_t i = 0; i < def.columns.size(); ++i) {
    EXPECT_EQ(coll.columns()[i].dtype(), def.columns[i].dtype) << def.columns[i].path;
    EXPECT_EQ(coll.columns()[i].width(), def.columns[i].width()) << def.columns[i].path;
  }
  EXPECT_EQ(def.name, "ex::WithEverything");
  EXPECT_EQ(coll.getTypeName(), "ex::WithEverythingCollection");
  EXPECT_EQ(coll.getValueTypeName(), "ex::WithEverything");
  EXPECT_EQ(coll.getDataModelName(), "testdm");
  EXPECT_EQ(coll.getSchemaVersion(), 3u);
}

} // namespace
