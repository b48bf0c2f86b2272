// One test per mismatch kind of the card version 2 (structured inputs, classes,
// per-constituent outputs; onnx/src/Compatibility.cc) and per new card-reading error
// (onnx/src/ModelCard.cc): each checks the exact one-line message, and that a Session
// refuses such a model with a ModelError holding the line before ONNX Runtime loads it.
// The scored objects are testdm's ex::Cluster, their constituents its `Hits`.
#include "../common/TestPaths.h"
#include "ModelBuilder.h"

#include "testdm/DatamodelDefinition.h"

#include "podml/Exceptions.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <gtest/gtest.h>

#include <utility>

namespace {

using podml::onnx::ModelCard;
using Lines = std::vector<std::string>;
using Dims = std::vector<std::string>;

const podml::DataModelDefinition& dm() { return podml::models::testdm::definition(); }

std::string tmp(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return podml::test::tmpPath(std::string(info->test_suite_name()) + "." + info->name() + "-" + suffix);
}

constexpr int kFloat = ::onnx::TensorProto::FLOAT;
constexpr int kBool = ::onnx::TensorProto::BOOL;
constexpr int kInt64 = ::onnx::TensorProto::INT64;
constexpr int kString = ::onnx::TensorProto::STRING;

struct Tensor {
  std::string name;
  int type;
  Dims dims;
};

// A graph that declares `inputs` and `outputs` (the checks read declarations only;
// each output is an Identity of the first input so that the file is a valid graph).
std::string graph(const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs) {
  auto m = testmodels::emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("structured");
  for (const auto& t : inputs) {
    testmodels::addTensorInfo(g->add_input(), t.name, t.type, t.dims);
  }
  for (const auto& t : outputs) {
    testmodels::addNode(g, "Identity", {inputs.front().name}, t.name);
    testmodels::addTensorInfo(g->add_output(), t.name, t.type, t.dims);
  }
  const auto path = tmp("graph.onnx");
  testmodels::save(m, path);
  return path;
}

ModelCard card(const std::string& json) {
  auto c = ModelCard::fromJson(json, "test card");
  c.completeFrom(dm());
  return c;
}

// The constituents input `pf` of clusters through `Hits`, with `extra` JSON fields.
std::string pf(const std::string& constituents, const std::string& extra = "") {
  return R"({"name": "pf", "collection_type": "ex::Cluster", "collection": "Clusters",
             "constituents": {"relation": "Hits")" +
         (constituents.empty() ? "" : ", " + constituents) + R"(}, "members": ["x", "y", "z", "energy"])" + extra + "}";
}

std::string cardJson(const std::vector<std::string>& inputs, const std::string& outputs) {
  std::string s = R"({"podml_card": 2, "datamodel": {"name": "testdm", "schema_version": 3}, "inputs": [)";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    s += (i ? ", " : "") + inputs[i];
  }
  return s + "], \"outputs\": [" + outputs + "]}";
}

const std::string kScore =
    R"({"name": "score", "input": "pf", "target": {"type": "ex::Score", "member": "value", "collection": "S"}})";

void expectMismatches(const std::string& raw, const ModelCard& c, const Lines& graphLines, const Lines& data) {
  EXPECT_EQ(podml::onnx::checkCardAgainstGraph(c, podml::onnx::readModelInfo(raw)), graphLines);
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(c, dm()), data);
  Lines all = graphLines;
  all.insert(all.end(), data.begin(), data.end());
  ASSERT_FALSE(all.empty());
  const auto carded = tmp("card.onnx");
  podml::onnx::attachCard(raw, c, carded);
  try {
    const podml::onnx::Session session(carded, dm());
    ADD_FAILURE() << "a mismatched card must be refused";
  } catch (const podml::ModelError& e) {
    for (const auto& l : all) {
      EXPECT_NE(std::string(e.what()).find("\n  " + l), std::string::npos) << "missing line: " << l << "\nin: " << e.what();
    }
  }
}

void expectFits(const std::string& raw, const ModelCard& c) {
  EXPECT_EQ(podml::onnx::checkCardAgainstGraph(c, podml::onnx::readModelInfo(raw)), Lines{});
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(c, dm()), Lines{});
}

std::string cardError(const std::string& json) {
  try {
    (void)ModelCard::fromJson(json, "test card");
  } catch (const podml::DefinitionError& e) {
    return e.what();
  }
  return "accepted";
}

const Tensor kScoreOut{"score", kFloat, {"N", "1"}};

TEST(StructuredCard, WeaverContractFitsAndRoundTrips) {
  const auto c = card(cardJson({pf("\"sort_by\": \"energy\""), R"({"name": "mask", "kind": "mask", "of": "pf"})"}, kScore));
  EXPECT_EQ(c.requiredVersion(), 2u);
  EXPECT_EQ(c.inputs[0].constituents->type, "ExampleHit");
  EXPECT_EQ(c.inputs[0].shape, (std::vector<podml::onnx::Dim>{std::string("N"), int64_t{4}, std::string("P")}));
  EXPECT_EQ(c.inputs[1].shape,
            (std::vector<podml::onnx::Dim>{std::string("N"), int64_t{1}, std::string("P")}));
  const auto back = ModelCard::fromJson(c.toJson(), "round trip");
  EXPECT_EQ(back.toJson(), c.toJson());
  expectFits(graph({{"pf", kFloat, {"N", "4", "P"}}, {"mask", kFloat, {"N", "1", "P"}}}, {kScoreOut}), c);
}

TEST(StructuredCard, LayoutRank) {
  const auto c = card(cardJson({pf("")}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4"}}}, {kScoreOut}), c,
                   {"input 'pf': the graph has rank 2 [N, 4], the card says rank 3 [N, 4, P]",
                    "input 'pf': layout NFP is [N, F, P], the graph has rank 2 [N, 4]"},
                   {});
}

TEST(StructuredCard, FeatureCount) {
  const auto c = card(cardJson({pf("\"layout\": \"NPF\"")}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "P", "5"}}}, {kScoreOut}), c,
                   {"input 'pf': the graph has shape [N, P, 5], the card says [N, P, 4]",
                    "input 'pf': the graph expects 5 features per constituent [N, P, F], the card's members give 4"},
                   {});
}

TEST(StructuredCard, FixedSlotAxisNeedsMax) {
  auto c = card(cardJson({pf("")}, kScore));
  c.inputs[0].shape.clear(); // as a card that leaves the shape to the graph
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "16"}}}, {kScoreOut}), c,
                   {"input 'pf': the graph fixes the constituent axis to 16, the card pads to the longest list of the "
                    "event; set constituents.max to 16"},
                   {});
  auto m = card(cardJson({pf("\"max\": 8")}, kScore));
  m.inputs[0].shape.clear();
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "16"}}}, {kScoreOut}), m,
                   {"input 'pf': the graph fixes the constituent axis to 16, the card's constituents.max is 8"}, {});
}

TEST(StructuredCard, MaskOfRaggedInputAndMaskShape) {
  auto c = card(cardJson({pf("\"layout\": \"ragged\""), R"({"name": "mask", "kind": "mask", "of": "pf"})"}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"M", "4"}}, {"mask", kFloat, {"N", "P"}}}, {kScoreOut}), c,
                   {"input 'mask': a mask marks the padding of a padded input; input 'pf' is ragged (give it "
                    "segment_ids or offsets instead)"},
                   {});
  auto s = card(cardJson({pf(""), R"({"name": "mask", "kind": "mask", "of": "pf"})"}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"mask", kFloat, {"N", "2", "P"}}}, {kScoreOut}), s,
                   {"input 'mask': the graph has shape [N, 2, P], the card says [N, 1, P]",
                    "input 'mask': a mask of input 'pf' is [N, 1, P] or [N, P], the graph has [N, 2, P]"},
                   {});
}

TEST(StructuredCard, IndexInputs) {
  auto padded = card(cardJson({pf(""), R"({"name": "seg", "kind": "segment_ids", "of": "pf"})"}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"seg", kInt64, {"M"}}}, {kScoreOut}), padded,
                   {"input 'seg': segment_ids index a ragged input; input 'pf' is padded (NFP)"}, {});
  auto wrong = card(cardJson({pf("\"layout\": \"ragged\""),
                              R"({"name": "off", "kind": "offsets", "of": "pf", "dtype": "float32"})"},
                             kScore));
  expectMismatches(graph({{"pf", kFloat, {"M", "4"}}, {"off", kFloat, {"N1", "2"}}}, {kScoreOut}), wrong,
                   {"input 'off': the graph has rank 2 [N1, 2], the card says rank 1 [N+1]",
                    "input 'off': offsets are int64 or int32, the graph has float",
                    "input 'off': offsets are one index per scored object plus one [N + 1], the graph has [N1, 2]"},
                   {});
  auto orphan = card(cardJson({pf(""), R"({"name": "mask", "kind": "mask", "of": "nothing"})"}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"mask", kFloat, {"N", "P"}}}, {kScoreOut}), orphan,
                   {"input 'mask': it describes input 'nothing', which the card does not bind as a constituents input"},
                   {});
}

TEST(StructuredCard, ObjectAxisNamedAlike) {
  auto c = card(cardJson({pf(""), R"({"name": "jet", "collection_type": "ex::Cluster", "collection": "Clusters",
                                      "members": ["energy"], "shape": ["N", 1]})"},
                         kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"jet", kFloat, {"B", "1"}}}, {kScoreOut}), c,
                   {"input 'jet': its object axis is 'B', input 'pf' calls it 'N'; inputs on the scored objects share "
                    "one axis"},
                   {});
}

TEST(StructuredCard, ClassesAgainstTheOutput) {
  const std::string classes = R"({"name": "probs", "input": "pf", "classes": [{"name": "b"}, {"name": "b"}, {"name": "c"}],
      "target": {"type": "ex::Score", "member": "value", "collection": "S"}})";
  auto c = card(cardJson({pf("")}, classes));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}}, {{"probs", kFloat, {"N", "2"}}}), c,
                   {"output 'probs': class 'b' is listed twice",
                    "output 'probs': the card names 3 classes, the graph's output is [N, 2] (expected [N, 3])"},
                   {});
}

TEST(StructuredCard, PerConstituentRows) {
  const std::string rows = R"({"name": "score", "input": "pf", "rows": "constituents",
      "target": {"type": "ex::Score", "member": "value", "relation": "hit", "collection": "S"}})";
  auto c = card(cardJson({pf("")}, rows));
  expectFits(graph({{"pf", kFloat, {"N", "4", "P"}}}, {{"score", kFloat, {"N", "P"}}}), c);
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}}, {{"score", kFloat, {"N"}}}), c,
                   {"output 'score': its target member holds one value per constituent, the graph's output has rank 1 "
                    "[N] (expected [N, P] or [N, P, 1])"},
                   {});
  const std::string onObjects = R"({"name": "score", "input": "jet", "rows": "constituents",
      "target": {"type": "ex::Score", "member": "value", "collection": "S"}})";
  auto o = card(cardJson({pf(""), R"({"name": "jet", "collection_type": "ex::Cluster", "collection": "Clusters",
                                      "members": ["energy"], "shape": ["N", 1]})"},
                         onObjects));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"jet", kFloat, {"N", "1"}}}, {{"score", kFloat, {"N", "P"}}}),
                   o, {"output 'score': its rows are constituents, so 'input' must name a constituents input"}, {});
  const std::string onMask = R"({"name": "score", "input": "mask",
      "target": {"type": "ex::Score", "member": "value", "collection": "S"}})";
  auto m = card(cardJson({pf(""), R"({"name": "mask", "kind": "mask", "of": "pf"})"}, onMask));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"mask", kFloat, {"N", "1", "P"}}}, {kScoreOut}), m,
                   {"output 'score': its rows belong to input 'mask', a mask input; name the objects or constituents "
                    "input whose objects the rows are"},
                   {});
}

TEST(StructuredCard, MaskOfAnUnwritableType) {
  auto c = card(cardJson({pf(""), R"({"name": "mask", "kind": "mask", "of": "pf", "dtype": "bool"})"}, kScore));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}, {"mask", kString, {"N", "1", "P"}}}, {kScoreOut}), c,
                   {"input 'mask': the graph has element type string, the card says bool",
                    "input 'mask': a mask of element type string cannot be made"},
                   {});
}

// ---- against the data model ----

ModelCard unchecked(const std::string& json) { return ModelCard::fromJson(json, "test card"); }

TEST(StructuredCard, RelationMissingOrOneToOne) {
  auto missing = unchecked(cardJson({R"({"name": "pf", "collection_type": "ex::Cluster", "collection": "Clusters",
      "constituents": {"relation": "Tracks"}, "members": ["x"], "shape": ["N", 1, "P"]})"},
                                    kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(missing, dm()),
            (Lines{"input 'pf': the model takes constituents through relation 'Tracks', which ex::Cluster does not have "
                   "(its one-to-many relations: Hits, Clusters)"}));
  auto single = unchecked(cardJson({R"({"name": "pf", "collection_type": "ex::WithEverything", "collection": "W",
      "constituents": {"relation": "cluster"}, "members": ["energy"], "shape": ["N", 1, "P"]})"},
                                   kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(single, dm()),
            (Lines{"input 'pf': relation 'cluster' of ex::WithEverything is one-to-one; constituents come through a "
                   "one-to-many relation"}));
  EXPECT_THROW(single.completeFrom(dm()), podml::DefinitionError);
}

TEST(StructuredCard, LinkSides) {
  auto unknown = unchecked(cardJson({R"({"name": "pf", "collection_type": "ExampleHit", "collection": "Hits",
      "constituents": {"link": "ex::NoLink", "link_collection": "L"}, "members": ["energy"], "shape": ["N", 1, "P"]})"},
                                    kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(unknown, dm()),
            (Lines{"input 'pf': the model takes constituents through link 'ex::NoLink', which 'testdm' does not define"}));
  auto neither = unchecked(cardJson({R"({"name": "pf", "collection_type": "ex::Cluster", "collection": "Clusters",
      "constituents": {"link": "ex::HitMCLink", "link_collection": "L"}, "members": ["energy"], "shape": ["N", 1, "P"]})"},
                                    kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(neither, dm()),
            (Lines{"input 'pf': link ex::HitMCLink joins ExampleHit and ex::MC, neither of which is the scored type "
                   "ex::Cluster"}));
  auto fits = card(cardJson({R"({"name": "pf", "collection_type": "ExampleHit", "collection": "Hits",
      "constituents": {"link": "ex::HitMCLink", "link_collection": "L"}, "members": ["energy", "PDG"]})"},
                            kScore));
  EXPECT_EQ(fits.inputs[0].constituents->type, "ex::MC");
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(fits, dm()), Lines{});
}

TEST(StructuredCard, ConstituentTypeMembersAndOrder) {
  auto c = unchecked(cardJson({R"({"name": "pf", "collection_type": "ex::Cluster", "collection": "Clusters",
      "constituents": {"relation": "Hits", "type": "ex::OtherHit"}, "members": ["x"], "shape": ["N", 1, "P"]})"},
                              kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(c, dm()),
            (Lines{"input 'pf': the model expects constituents of type ex::OtherHit, the data's are ExampleHit"}));
  auto m = unchecked(cardJson({R"({"name": "pf", "collection_type": "ex::Cluster", "collection": "Clusters",
      "constituents": {"relation": "Hits", "sort_by": "time"}, "members": ["layer"], "shape": ["N", 1, "P"]})"},
                              kScore));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(m, dm()),
            (Lines{"input 'pf': the model orders constituents by 'time', which is not a scalar member of ExampleHit",
                   "input 'pf', member 'layer': the model reads it, ExampleHit has no such per-object member"}));
}

TEST(StructuredCard, ClassTargets) {
  const std::string vectorOut = R"({"name": "probs", "input": "pf", "classes": [{"name": "b"}, {"name": "c"}],
      "target": {"type": "ex::Score", "member": "value", "collection": "S", "per_class": "vector",
                 "class_member": "value"}})";
  auto c = card(cardJson({pf("")}, vectorOut));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(c, dm()),
            (Lines{"output 'probs': per_class 'vector' writes the class values into a vector member of floats; 'value' "
                   "is not one of ex::Score",
                   "output 'probs': the class member 'value' is not a scalar integer member of ex::Score"}));
  const std::string perConstituent = R"({"name": "score", "input": "pf", "rows": "constituents",
      "target": {"type": "ex::Score", "member": "value", "relation": "hit", "collection": "S"}})";
  auto p = card(cardJson({R"({"name": "pf", "collection_type": "ex::MC", "collection": "MCs",
      "constituents": {"relation": "daughters"}, "members": ["energy"]})"},
                         perConstituent));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(p, dm()),
            (Lines{"output 'score': relation 'hit' of ex::Score points to ExampleHit, but the constituents are ex::MC"}));
}

// ---- reading ----

TEST(StructuredCard, ReadingErrors) {
  const auto v2 = [](const std::string& input) { return cardJson({input}, kScore); };
  EXPECT_EQ(cardError(v2(pf("\"sortby\": \"energy\""))),
            "cannot read model card: unknown field 'sortby' (known: relation, link, link_collection, type, layout, max, "
            "sort_by, descending, pad_value) (test card: inputs[0].constituents)");
  EXPECT_EQ(cardError(v2(pf("\"layout\": \"PNF\""))),
            "cannot read model card: unknown layout 'PNF' (known: NFP for [N, F, P], NPF for [N, P, F], ragged for "
            "[M, F]) (test card: inputs[0].constituents)");
  EXPECT_EQ(cardError(v2(pf("\"layout\": \"ragged\", \"max\": 4"))),
            "cannot read model card: 'max' applies to padded layouts; a ragged input takes every constituent (test "
            "card: inputs[0].constituents)");
  EXPECT_EQ(cardError(v2(pf("\"link\": \"ex::HitMCLink\""))),
            "cannot read model card: constituents come through exactly one of 'relation' (a one-to-many relation of "
            "the scored type) or 'link' (a link datatype) (test card: inputs[0].constituents)");
  EXPECT_EQ(cardError(v2(R"({"name": "m", "kind": "mask", "of": "pf", "members": ["x"]})")),
            "cannot read model card: a mask input takes its objects from input 'pf' and has no field 'members' (test "
            "card: inputs[0])");
  EXPECT_EQ(cardError(v2(R"({"name": "m", "kind": "weights", "of": "pf"})")),
            "cannot read model card: unknown input kind 'weights' (known: objects, constituents, mask, segment_ids, "
            "offsets) (test card: inputs[0])");
  EXPECT_EQ(cardError(cardJson({pf("")}, R"({"name": "s", "rows": "jets"})")),
            "cannot read model card: unknown rows 'jets' (known: objects, one row per scored object; constituents, one "
            "per constituent of input 'input') (test card: outputs[0])");
  EXPECT_EQ(cardError(cardJson({pf("")}, R"({"name": "s", "target": {"type": "t", "member": "m", "per_class": "one"}})")),
            "cannot read model card: unknown per_class 'one' (known: collections, one collection per class; vector, "
            "all values in one vector member) (test card: outputs[0].target)");
  // Version 2 fields in a version 1 card are not read silently.
  std::string v1 = cardJson({pf("")}, kScore);
  v1.replace(v1.find("\"podml_card\": 2"), 15, "\"podml_card\": 1");
  EXPECT_EQ(cardError(v1), "cannot read model card: unknown field 'constituents' (known: name, collection_type, "
                           "collection, members, dtype, shape, preprocessing) (test card: inputs[0])");
  EXPECT_EQ(cardError(cardJson({pf("")}, kScore).replace(1, 0, "\"extra\": 1, ")),
            "cannot read model card: unknown field 'extra' (known: podml_card, datamodel, inputs, outputs, producer, "
            "provenance) (test card: card)");
}

} // namespace

// Issue 14: a float score written into an integer member was truncated to 0 for every object.
TEST(CardChecks, FloatScoreIntoAnIntegerMemberIsRefused) {
  const std::string intTarget = R"({"name": "score", "input": "pf",
      "target": {"type": "ex::Score", "member": "algorithmType", "collection": "S"}})";
  auto c = card(cardJson({pf("")}, intTarget));
  expectMismatches(graph({{"pf", kFloat, {"N", "4", "P"}}}, {kScoreOut}), c, {},
                   {"output 'score': the target member 'algorithmType' of ex::Score holds int32, the output is "
                    "float32; every score would be truncated to an integer, so write it into a floating-point member"});
  // An integer output (a predicted class) may go into an integer member.
  const std::string classOut = R"({"name": "score", "input": "pf", "dtype": "int64",
      "target": {"type": "ex::Score", "member": "algorithmType", "collection": "S"}})";
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card(cardJson({pf("")}, classOut)), dm()), Lines{});
}

// Issue 14: 10,000 copies of one output gave 50 million lines (every pair compared).
TEST(CardChecks, RepeatedNamesAreOneLineEach) {
  std::string outputs;
  for (int i = 0; i < 10000; ++i) {
    outputs += (i ? ", " : "") + kScore;
  }
  auto c = card(cardJson({pf(""), pf("")}, outputs));
  const auto lines = podml::onnx::checkCardAgainstGraph(c, podml::onnx::readModelInfo(
                                                               graph({{"pf", kFloat, {"N", "4", "P"}}}, {kScoreOut})));
  EXPECT_EQ(lines, (Lines{"input 'pf': the card binds it twice", "output 'score': the card describes it 10000 times"}));
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(c, dm()), Lines{});
}

// Issue 14: output collections that cannot be written, or that an input reads, were found
// only by the writer after the model had run (or never: '.').
TEST(CardChecks, OutputCollectionsMustBeWritableAndNotAnInput) {
  const auto withCollection = [](const std::string& name) {
    return cardJson({pf("")}, R"({"name": "score", "input": "pf", "target": {"type": "ex::Score", "member": "value",
                                 "collection": ")" + name + R"("}})");
  };
  EXPECT_EQ(cardError(withCollection("a/b")),
            "cannot read model card: output 'score' would write collection 'a/b', which cannot name a collection (it "
            "holds '/', HDF5's path separator); name another in target.collection (test card: outputs[0])");
  EXPECT_EQ(cardError(withCollection(".")),
            "cannot read model card: output 'score' would write collection '.', which cannot name a collection ('.' "
            "names a directory in HDF5 paths); name another in target.collection (test card: outputs[0])");
  EXPECT_EQ(cardError(withCollection("Clusters")),
            "cannot read model card: output 'score' would write collection 'Clusters', which input 'pf' reads; name "
            "another in target.collection (test card: outputs[0])");
  // Without a collection, the output's name is the collection's: it is checked too.
  EXPECT_NE(cardError(cardJson({pf("")}, R"({"name": "out/0", "input": "pf", "target": {"type": "ex::Score",
                                              "member": "value"}})"))
                .find("would write collection 'out/0', which cannot name a collection"),
            std::string::npos);
  // Per-class collections are checked one by one.
  EXPECT_NE(cardError(cardJson({pf("")}, R"({"name": "p", "input": "pf", "classes": [{"name": "b"},
      {"name": "c", "collection": "Clusters"}], "target": {"type": "ex::Score", "member": "value", "collection": "S"}})"))
                .find("would write collection 'Clusters', which input 'pf' reads"),
            std::string::npos);
}
