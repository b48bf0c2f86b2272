// Basic unit tests of the generated testdm API surface: type aliases and
// names of handles and collections, the X / MutableX conversions, and
// printing. The feature areas live in test_handles.cc, test_relations.cc,
// test_members.cc and test_frame.cc.

#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/WithEverythingCollection.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <type_traits>

namespace {

TEST(Basics, TypeAliasesAndNames) {
  static_assert(std::is_same_v<ExampleHitCollection::value_type, ExampleHit>);
  static_assert(std::is_same_v<ExampleHitCollection::mutable_type, MutableExampleHit>);
  static_assert(std::is_same_v<ExampleHit::mutable_type, MutableExampleHit>);
  static_assert(std::is_same_v<MutableExampleHit::object_type, ExampleHit>);
  static_assert(std::is_same_v<ex::Cluster::collection_type, ex::ClusterCollection>);
  static_assert(std::is_same_v<ex::HitMCLink::from_type, ExampleHit>);
  static_assert(std::is_same_v<ex::HitMCLink::to_type, ex::MC>);
  static_assert(std::is_convertible_v<MutableExampleHit, ExampleHit>);
  static_assert(!std::is_convertible_v<ExampleHit, MutableExampleHit>, "an immutable handle never becomes mutable");
  EXPECT_EQ(ExampleHit::typeName, "ExampleHit");
  EXPECT_EQ(ex::WithEverything::typeName, "ex::WithEverything");
  EXPECT_EQ(ex::WithEverythingCollection::typeName, "ex::WithEverythingCollection");
  EXPECT_EQ(ex::ClusterCollection().getValueTypeName(), "ex::Cluster");
}

TEST(Basics, GetterReturnTypes) {
  static_assert(std::is_same_v<decltype(std::declval<ExampleHit>().energy()), double>);
  static_assert(std::is_same_v<decltype(std::declval<ExampleHit>().cellID()), unsigned long long>);
  static_assert(std::is_same_v<decltype(std::declval<ex::WithEverything>().bigID()), std::uint64_t>);
  static_assert(std::is_same_v<decltype(std::declval<ex::WithEverything>().arr(0)), float>);
  static_assert(std::is_same_v<decltype(std::declval<ex::WithEverything>().tag()), std::int32_t>);
  static_assert(std::is_same_v<decltype(std::declval<const ex::WithEverything>().letter()), char>);
  SUCCEED();
}

TEST(Basics, PrintingObjectsAndCollections) {
  ExampleHitCollection hits;
  hits.setID(5);
  hits.create(7ULL, 1., 2., 3., 4.5);
  std::stringstream s;
  s << std::as_const(hits)[0];
  EXPECT_NE(s.str().find("5|0"), std::string::npos) << s.str();
  EXPECT_NE(s.str().find("4.5"), std::string::npos) << s.str();
  std::stringstream c;
  c << hits;
  EXPECT_NE(c.str().find("ExampleHit"), std::string::npos) << c.str();
  std::stringstream m;
  m << MutableExampleHit();
  EXPECT_NE(m.str().find(std::to_string(static_cast<uint32_t>(-1)) + "|-1"), std::string::npos) << m.str();
}

} // namespace
