// One test per mismatch kind that the card <-> graph and card <-> data model checks
// report (onnx/src/Compatibility.cc), each checking the exact one-line message from
// checkCardAgainstGraph / checkCardAgainstDataModel and that Session construction
// refuses the model with a ModelError holding that line. Then broken cards
// (malformed JSON, unknown version, missing or mistyped fields) and broken model
// files (not ONNX, truncated, empty): clear errors, never a crash.
#include "../common/TestPaths.h"
#include "ModelBuilder.h"

#include "testdm/DatamodelDefinition.h"

#include "podml/Exceptions.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace {

using podml::DType;
using podml::onnx::CardInput;
using podml::onnx::CardMember;
using podml::onnx::CardOutput;
using podml::onnx::CardTarget;
using podml::onnx::ModelCard;
using Lines = std::vector<std::string>;

const podml::DataModelDefinition& dm() { return podml::models::testdm::definition(); }

// Files are named after the test, so tests run in parallel processes do not share them.
std::string tmp(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return podml::test::tmpPath(std::string(info->test_suite_name()) + "." + info->name() + "-" + suffix);
}

CardMember member(const std::string& path) { return {path, DType::Float32, {}, ""}; }

CardInput input(const std::string& name, const std::string& type, std::vector<CardMember> members, DType dtype,
                std::vector<podml::onnx::Dim> shape) {
  CardInput in;
  in.name = name;
  in.collectionType = type;
  in.collection = "Hits";
  in.members = std::move(members);
  in.dtype = dtype;
  in.shape = std::move(shape);
  return in;
}

CardOutput output(const std::string& name, const std::string& in, DType dtype, std::vector<podml::onnx::Dim> shape,
                  std::optional<CardTarget> target = std::nullopt) {
  CardOutput o;
  o.name = name;
  o.meaning = "a test score";
  o.input = in;
  o.dtype = dtype;
  o.shape = std::move(shape);
  o.target = std::move(target);
  return o;
}

// The card that fits writeLinearSigmoid's graph (features [N, 2] -> score [N, 1]) and testdm.
ModelCard hitCard() {
  ModelCard card;
  card.dataModel = "testdm";
  card.inputs.push_back(input("features", "ExampleHit", {member("x"), member("energy")}, DType::Float32,
                              {std::string("N"), int64_t{2}}));
  card.outputs.push_back(output("score", "features", DType::Float32, {std::string("N"), int64_t{1}},
                                CardTarget{"ex::Score", "value", "hit", "HitScores"}));
  card.producer = "podml tests";
  card.completeFrom(dm());
  return card;
}

// A card on ex::WithEverything (vector members, arrays, relations to other types)
// with one input `features` of the given members and tensor shape [N, k].
ModelCard everythingCard(std::vector<CardMember> members, int64_t k) {
  ModelCard card;
  card.dataModel = "testdm";
  card.inputs.push_back(input("features", "ex::WithEverything", std::move(members), DType::Float32,
                              {std::string("N"), k}));
  card.outputs.push_back(output("score", "features", DType::Float32, {std::string("N"), int64_t{1}}));
  return card;
}

std::string linearModel(std::size_t k = 2) {
  const auto path = tmp("raw.onnx");
  testmodels::writeLinearSigmoid(path, std::vector<float>(k, 0.5f), 0.1f);
  return path;
}

// `line` is one whole line of `msg`, indented as Session lists mismatches.
bool hasLine(const std::string& msg, const std::string& line) {
  const std::string needle = "\n  " + line;
  for (auto p = msg.find(needle); p != std::string::npos; p = msg.find(needle, p + 1)) {
    const auto end = p + needle.size();
    if (end == msg.size() || msg[end] == '\n') {
      return true;
    }
  }
  return false;
}

// Checks the exact lines of both checks for `card` on the graph `raw`, then that a
// Session on the model with `card` attached throws a ModelError listing exactly them.
void expectMismatches(const std::string& raw, const ModelCard& card, const Lines& graph, const Lines& data) {
  const auto info = podml::onnx::readModelInfo(raw);
  EXPECT_EQ(podml::onnx::checkCardAgainstGraph(card, info), graph);
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card, dm()), data);
  Lines all = graph;
  all.insert(all.end(), data.begin(), data.end());
  ASSERT_FALSE(all.empty());
  for (const auto& l : all) {
    EXPECT_EQ(l.find('\n'), std::string::npos) << "a mismatch is one line: " << l;
  }
  const auto carded = tmp("card.onnx");
  podml::onnx::attachCard(raw, card, carded);
  try {
    const podml::onnx::Session session(carded, dm());
    ADD_FAILURE() << "a mismatched card must be refused";
  } catch (const podml::ModelError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("model '" + carded + "' does not fit the data (" + std::to_string(all.size()) +
                       (all.size() == 1 ? " mismatch):" : " mismatches):")),
              std::string::npos)
        << msg;
    for (const auto& l : all) {
      EXPECT_TRUE(hasLine(msg, l)) << "missing line: " << l << "\nin: " << msg;
    }
  }
}

void expectFits(const std::string& raw, const ModelCard& card) {
  EXPECT_EQ(podml::onnx::checkCardAgainstGraph(card, podml::onnx::readModelInfo(raw)), Lines{});
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card, dm()), Lines{});
  const auto carded = tmp("card.onnx");
  podml::onnx::attachCard(raw, card, carded);
  EXPECT_NO_THROW(podml::onnx::Session session(carded, dm()));
}

std::string cardError(std::string_view json) {
  try {
    ModelCard::fromJson(json, "m.onnx");
  } catch (const podml::DefinitionError& e) {
    return e.what();
  }
  ADD_FAILURE() << "card accepted: " << json;
  return {};
}

// A valid card's JSON with `from` replaced by `to` (once).
std::string editedCard(const std::string& from, const std::string& to) {
  std::string json = hitCard().toJson();
  const auto p = json.find(from);
  EXPECT_NE(p, std::string::npos) << from << " not in " << json;
  if (p != std::string::npos) {
    json.replace(p, from.size(), to);
  }
  return json;
}

// A Session on the linear model whose podml.card holds `json` fails with a podml
// error that names the file and the card key and contains `expected`.
void expectSessionRefusesCard(const std::string& json, const std::string& expected) {
  const auto path = tmp("bad-card.onnx");
  testmodels::writeWithMetadata(linearModel(), path, podml::onnx::kCardKey, json);
  const auto info = podml::onnx::readModelInfo(path); // reading the declarations does not parse the card
  ASSERT_TRUE(info.card.has_value());
  EXPECT_EQ(*info.card, json);
  try {
    const podml::onnx::Session session(path, dm());
    ADD_FAILURE() << "a broken card must be refused";
  } catch (const podml::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path + ": metadata_props['podml.card']"), std::string::npos) << msg;
    EXPECT_NE(msg.find(expected), std::string::npos) << msg;
  }
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

std::string readBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// readModelInfo and both Session constructors throw ModelError for `path` (never
// another exception, never a crash), with `expected` in readModelInfo's message.
void expectBrokenModel(const std::string& path, const std::string& expected) {
  try {
    podml::onnx::readModelInfo(path);
    ADD_FAILURE() << "readModelInfo accepted " << path;
  } catch (const podml::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  EXPECT_THROW(podml::onnx::Session session(path), podml::ModelError);
  EXPECT_THROW(podml::onnx::Session session(path, dm()), podml::ModelError);
}

} // namespace

// ---------------------------------------------------------------- card <-> graph

TEST(CardVsGraph, ReferenceCardFits) {
  expectFits(linearModel(), hitCard());
}

TEST(CardVsGraph, CardInputMissingInGraph) {
  auto card = hitCard();
  card.inputs.push_back(input("extra", "ExampleHit", {member("y")}, DType::Float32, {std::string("N"), int64_t{1}}));
  card.completeFrom(dm());
  expectMismatches(linearModel(), card,
                   {"input 'extra': the card binds it but the graph has no such input (graph inputs: features)"}, {});
}

TEST(CardVsGraph, GraphInputNotBound) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeTwoInputs(raw);
  expectMismatches(raw, hitCard(), {"input 'extra': the graph needs it but the card does not bind it"}, {});
}

TEST(CardVsGraph, InputElementTypeDiffers) {
  auto card = hitCard();
  card.inputs[0].dtype = DType::Float64;
  expectMismatches(linearModel(), card, {"input 'features': the graph has element type float, the card says float64"},
                   {});
}

TEST(CardVsGraph, Int64InputElementTypeDiffers) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeCastToFloat(raw, ::onnx::TensorProto::INT64, {"N"});
  ModelCard card;
  card.inputs.push_back(input("x", "ExampleHit", {member("cellID")}, DType::Float32, {std::string("N")}));
  card.outputs.push_back(output("y", "x", DType::Float32, {std::string("N")}));
  card.completeFrom(dm());
  expectMismatches(raw, card, {"input 'x': the graph has element type int64, the card says float32"}, {});
  card.inputs[0].dtype = DType::Int64; // the member (uint64) is converted while gathering
  expectFits(raw, card);
}

TEST(CardVsGraph, InputElementTypeWithoutPodmlDType) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeCastToFloat(raw, ::onnx::TensorProto::FLOAT16, {"N"});
  ModelCard card;
  card.inputs.push_back(input("x", "ExampleHit", {member("energy")}, DType::Float32, {std::string("N")}));
  card.completeFrom(dm());
  expectMismatches(raw, card, {"input 'x': the graph has element type float16, the card says float32"}, {});
}

TEST(CardVsGraph, InputRankDiffers) {
  auto card = hitCard();
  card.inputs[0].shape = {std::string("N")};
  expectMismatches(linearModel(), card, {"input 'features': the graph has rank 2 [N, 2], the card says rank 1 [N]"}, {});
}

TEST(CardVsGraph, InputFirstAxisFixed) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeLinearSigmoidShaped(raw, {0.5f, -0.25f}, 0.1f, {"4", "2"}, {"4", "1"});
  auto card = hitCard();
  card.outputs.clear(); // the output's fixed axis is OutputFirstAxisFixed's
  expectMismatches(raw, card,
                   {"input 'features': the graph's first axis is fixed to 4; podml needs a dynamic object axis (shape [4, 2])"},
                   {});
}

TEST(CardVsGraph, InputFirstAxisMissing) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeCastToFloat(raw, ::onnx::TensorProto::FLOAT, {}); // a rank-0 input
  ModelCard card;
  card.inputs.push_back(input("x", "ExampleHit", {member("energy")}, DType::Float32, {std::string("N")}));
  card.completeFrom(dm());
  expectMismatches(raw, card,
                   {"input 'x': the graph's first axis is missing; podml needs a dynamic object axis (shape [])",
                    "input 'x': the graph has rank 0 [], the card says rank 1 [N]"},
                   {});
}

TEST(CardVsGraph, SecondAxisDiffersFromMembersWidth) {
  auto card = hitCard(); // two scalar members
  expectMismatches(linearModel(3), card,
                   {"input 'features': the graph has shape [N, 3], the card says [N, 2]",
                    "input 'features': the graph expects 3 values per object, the card's members give 2"},
                   {});
  // An array member counts its values: arr is float[4].
  auto arr = everythingCard({member("arr")}, 2);
  arr.completeFrom(dm());
  expectMismatches(linearModel(2), arr,
                   {"input 'features': the graph expects 2 values per object, the card's members give 4"}, {});
}

TEST(CardVsGraph, DuplicateNamesAndOutputsThatCannotBeWrittenBack) {
  auto card = hitCard();
  card.inputs.push_back(card.inputs[0]);
  const auto lines = podml::onnx::checkCardAgainstGraph(card, podml::onnx::readModelInfo(linearModel(2)));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "input 'features': the card binds it twice"), lines.end());
  auto wide = hitCard();
  wide.outputs[0].shape = {std::string("N"), int64_t{3}};
  const auto raw = tmp("wide.onnx");
  testmodels::writeLinearSigmoidShaped(raw, {0.5f, -0.25f}, 0.1f, {"N", "2"}, {"N", "3"});
  const auto w = podml::onnx::checkCardAgainstGraph(wide, podml::onnx::readModelInfo(raw));
  EXPECT_NE(std::find(w.begin(), w.end(), "output 'score': its target member holds one value per object, the graph gives 3; name the columns in 'classes'"),
            w.end());
}

TEST(CardVsGraph, Rank1InputWithSeveralMembers) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeDoubleScale(raw);
  ModelCard card;
  card.inputs.push_back(input("x", "ExampleHit", {member("x"), member("energy")}, DType::Float64, {std::string("N")}));
  card.outputs.push_back(output("y", "x", DType::Float64, {std::string("N")}));
  card.completeFrom(dm());
  expectMismatches(raw, card, {"input 'x': the graph expects one value per object, the card's members give 2"}, {});
}

TEST(CardVsGraph, InputRankAboveTwo) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeRank3(raw);
  auto card = hitCard();
  card.inputs[0].shape = {std::string("N"), int64_t{2}, int64_t{3}};
  expectMismatches(raw, card,
                   {"input 'features': the graph expects rank 3; podml binds members to rank 1 ([N]) or 2 ([N, members]); constituents of the objects need a constituents input (card version 2)"},
                   {});
}

TEST(CardVsGraph, CardOutputMissingInGraph) {
  auto card = hitCard();
  card.outputs[0].name = "prob";
  expectMismatches(linearModel(), card,
                   {"output 'prob': the card describes it but the graph has no such output (graph outputs: score)"}, {});
}

TEST(CardVsGraph, OutputElementTypeDiffers) {
  auto card = hitCard();
  card.outputs[0].dtype = DType::Float64;
  expectMismatches(linearModel(), card, {"output 'score': the graph has element type float, the card says float64"}, {});
}

TEST(CardVsGraph, OutputRankDiffers) {
  auto card = hitCard();
  card.outputs[0].shape = {std::string("N")};
  expectMismatches(linearModel(), card, {"output 'score': the graph has rank 2 [N, 1], the card says rank 1 [N]"}, {});
}

TEST(CardVsGraph, OutputFirstAxisFixed) {
  const auto raw = tmp("raw.onnx");
  testmodels::writeLinearSigmoidShaped(raw, {0.5f, -0.25f}, 0.1f, {"4", "2"}, {"4", "1"});
  expectMismatches(raw, hitCard(),
                   {"input 'features': the graph's first axis is fixed to 4; podml needs a dynamic object axis (shape [4, 2])",
                    "output 'score': the graph's first axis is fixed to 4; podml needs a dynamic object axis (shape [4, 1])"},
                   {});
}

TEST(CardVsGraph, OutputRefersToUnknownInput) {
  auto card = hitCard();
  card.outputs[0].input = "other";
  expectMismatches(linearModel(), card, {"output 'score': it refers to input 'other', which the card does not bind"}, {});
}

// ----------------------------------------------------------- card <-> data model

TEST(CardVsDataModel, DataModelNameDiffers) {
  auto card = hitCard();
  card.dataModel = "edm4hep";
  card.inputs[0].members[0].unit = "cm"; // not reported: another data model's members are not compared
  expectMismatches(linearModel(), card, {}, {"data model: the model reads 'edm4hep', the data is 'testdm'"});
}

TEST(CardVsDataModel, SchemaVersionDiffers) {
  auto card = hitCard();
  card.schemaVersion = 2;
  expectMismatches(linearModel(), card, {},
                   {"data model: the model was made for schema version 2 of 'testdm', the data has schema version 3"});
}

TEST(CardVsDataModel, TypeNotInDataModel) {
  auto card = hitCard();
  card.inputs[0].collectionType = "NoSuchHit";
  card.outputs[0].target.reset(); // the relation check is RelationPointsToAnotherType's
  expectMismatches(linearModel(), card, {}, {"input 'features': the model reads type 'NoSuchHit', which 'testdm' does not define"});
}

TEST(CardVsDataModel, MemberMissing) {
  auto card = hitCard();
  card.inputs[0].members[1].path = "nope";
  expectMismatches(linearModel(), card, {},
                   {"input 'features', member 'nope': the model reads it, ExampleHit has no such per-object member"});
}

TEST(CardVsDataModel, MemberNotPerObject) {
  // A vector member (one row per value) and a range column exist as columns, but not per object.
  auto card = everythingCard({member("weights"), member("weights_begin")}, 2);
  ASSERT_NE(dm().datatype("ex::WithEverything")->column("weights"), nullptr);
  ASSERT_NE(dm().datatype("ex::WithEverything")->column("weights_begin"), nullptr);
  expectMismatches(linearModel(), card, {},
                   {"input 'features', member 'weights': the model reads it, ex::WithEverything has no such per-object member",
                    "input 'features', member 'weights_begin': the model reads it, ex::WithEverything has no such per-object member"});
}

TEST(CardVsDataModel, MemberDtypeDiffers) {
  auto card = hitCard();
  card.inputs[0].members[1].dtype = DType::Float32;
  expectMismatches(linearModel(), card, {},
                   {"input 'features', member 'energy': the model expects float32 [GeV], the data has float64 [GeV]"});
}

TEST(CardVsDataModel, MemberShapeDiffers) {
  auto card = everythingCard({member("arr")}, 2);
  card.completeFrom(dm());
  card.inputs[0].members[0].shape = {2}; // the data has float[4]; the graph takes the card's 2 values
  expectMismatches(linearModel(), card, {},
                   {"input 'features', member 'arr': the model expects float32[2] [1/mm], the data has float32[4] [1/mm]"});
}

TEST(CardVsDataModel, MemberUnitDiffers) {
  auto card = hitCard();
  card.inputs[0].members[1].unit = "MeV";
  expectMismatches(linearModel(), card, {},
                   {"input 'features', member 'energy': the model expects float64 [MeV], the data has float64 [GeV]"});
  card.inputs[0].members[1].unit = "";
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card, dm()),
            Lines{"input 'features', member 'energy': the model expects float64 (no unit), the data has float64 [GeV]"});
}

TEST(CardVsDataModel, TargetTypeUnknown) {
  auto card = hitCard();
  card.outputs[0].target->type = "ex::NoScore";
  expectMismatches(linearModel(), card, {}, {"output 'score': the target type 'ex::NoScore' is not defined by 'testdm'"});
}

TEST(CardVsDataModel, TargetMemberNotScalar) {
  auto card = hitCard();
  // anyHit is a one-to-one relation to the interface ex::Hit, which holds ExampleHit: fits.
  card.outputs[0].target = CardTarget{"ex::WithEverything", "arr", "anyHit", "Scores"};
  expectMismatches(linearModel(), card, {},
                   {"output 'score': the target member 'arr' is not a scalar member of ex::WithEverything"});
  card.outputs[0].target->member = "weights"; // a vector member
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card, dm()),
            Lines{"output 'score': the target member 'weights' is not a scalar member of ex::WithEverything"});
}

TEST(CardVsDataModel, TargetMemberMissing) {
  auto card = hitCard();
  card.outputs[0].target->member = "likelihood";
  expectMismatches(linearModel(), card, {}, {"output 'score': the target member 'likelihood' is not a scalar member of ex::Score"});
}

TEST(CardVsDataModel, TargetRelationMissing) {
  auto card = hitCard();
  card.outputs[0].target->relation = "particle";
  expectMismatches(linearModel(), card, {}, {"output 'score': 'particle' is not a one-to-one relation of ex::Score"});
}

TEST(CardVsDataModel, TargetRelationOneToMany) {
  auto card = hitCard();
  card.outputs[0].target = CardTarget{"ex::Cluster", "energy", "Hits", "Clusters"};
  expectMismatches(linearModel(), card, {}, {"output 'score': 'Hits' is not a one-to-one relation of ex::Cluster"});
}

TEST(CardVsDataModel, RelationPointsToAnotherType) {
  auto card = hitCard();
  card.outputs[0].target = CardTarget{"ex::WithEverything", "scalar", "cluster", "Scores"};
  expectMismatches(linearModel(), card, {},
                   {"output 'score': relation 'cluster' of ex::WithEverything points to ex::Cluster, but the scored "
                    "objects are ExampleHit"});
}

TEST(CardVsDataModel, RelationToAnInterfaceHoldingTheScoredTypeFits) {
  auto card = hitCard();
  card.outputs[0].target = CardTarget{"ex::WithEverything", "scalar", "anyHit", "Scores"};
  expectFits(linearModel(), card);
}

TEST(CardVsDataModel, MembersHashDiffers) {
  auto card = hitCard();
  const std::string fresh = card.membersHash;
  card.membersHash = "0123456789abcdef";
  ASSERT_NE(fresh, card.membersHash);
  expectMismatches(linearModel(), card, {},
                   {"data model: the hash of the member definitions the model uses differs (card 0123456789abcdef, data " +
                    fresh + ")"});
  // Only when everything else matches: otherwise the specific line says more.
  card.inputs[0].members[1].unit = "MeV";
  EXPECT_EQ(podml::onnx::checkCardAgainstDataModel(card, dm()),
            Lines{"input 'features', member 'energy': the model expects float64 [MeV], the data has float64 [GeV]"});
}

// -------------------------------------------------------------------- card JSON

TEST(CardJson, Malformed) {
  const auto msg = cardError(R"({"podml_card": 1, "datamodel": )");
  EXPECT_EQ(msg.rfind("cannot read model card: cannot parse JSON: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("m.onnx"), std::string::npos) << msg;
  EXPECT_EQ(cardError("").rfind("cannot read model card: cannot parse JSON: ", 0), 0u);
  EXPECT_EQ(cardError("{not json").rfind("cannot read model card: cannot parse JSON: ", 0), 0u);
  EXPECT_EQ(cardError("[]"), "cannot read model card: expected an object (m.onnx: card)");
  expectSessionRefusesCard(R"({"podml_card": 1, "datamodel": )", "cannot read model card: cannot parse JSON: ");
}

TEST(CardJson, UnknownVersion) {
  EXPECT_EQ(cardError(editedCard(R"("podml_card":1)", R"("podml_card":3)")),
            "cannot read model card: card version 3 is not supported (this podml reads versions 1 to 2) (m.onnx: card)");
  EXPECT_EQ(cardError(editedCard(R"("podml_card":1)", R"("podml_card":0)")),
            "cannot read model card: card version 0 is not supported (this podml reads versions 1 to 2) (m.onnx: card)");
  expectSessionRefusesCard(editedCard(R"("podml_card":1)", R"("podml_card":3)"), "card version 3 is not supported");
}

TEST(CardJson, MissingRequiredField) {
  EXPECT_EQ(cardError(editedCard(R"("collection_type":"ExampleHit",)", "")),
            "cannot read model card: missing field 'collection_type' (m.onnx: inputs[0])");
  EXPECT_EQ(cardError(editedCard(R"("podml_card":1,)", "")), "cannot read model card: missing field 'podml_card' (m.onnx: card)");
  EXPECT_EQ(cardError(editedCard(R"("name":"testdm",)", "")), "cannot read model card: missing field 'name' (m.onnx: datamodel)");
  EXPECT_EQ(cardError(editedCard(R"("member":"value",)", "")),
            "cannot read model card: missing field 'member' (m.onnx: outputs[0].target)");
  expectSessionRefusesCard(editedCard(R"("collection_type":"ExampleHit",)", ""),
                           "missing field 'collection_type' (");
}

TEST(CardJson, WrongFieldKind) {
  EXPECT_EQ(cardError(editedCard(R"("podml_card":1)", R"("podml_card":"1")")),
            "cannot read model card: field 'podml_card' must be an integer (m.onnx: card)");
  EXPECT_EQ(cardError(editedCard(R"("name":"features")", R"("name":3)")),
            "cannot read model card: field 'name' must be a string (m.onnx: inputs[0])");
  EXPECT_EQ(cardError(editedCard(R"("schema_version":3)", R"("schema_version":"3")")),
            "cannot read model card: field 'schema_version' must be an integer (m.onnx: datamodel)");
  EXPECT_EQ(cardError(editedCard(R"("outputs":[)", R"("outputs":"none","x":[)")),
            "cannot read model card: field 'outputs' must be a list (m.onnx: card)");
  EXPECT_EQ(cardError(editedCard(R"({"path":"x",)", R"({"path":3,)")),
            "cannot read model card: field 'path' must be a string (m.onnx: inputs[0].members[0])");
  EXPECT_EQ(cardError(editedCard(R"("dtype":"float32","shape":["N",2])", R"("dtype":"float128","shape":["N",2])")),
            "cannot read model card: unknown dtype 'float128' in field 'dtype' (m.onnx: inputs[0])");
  EXPECT_EQ(cardError(editedCard(R"("provenance":{})", R"("provenance":[])")),
            "cannot read model card: field 'provenance' must be an object (m.onnx: card)");
  expectSessionRefusesCard(editedCard(R"("name":"features")", R"("name":3)"), "field 'name' must be a string (");
}

// ------------------------------------------------------------ broken model files

TEST(BrokenModelFile, NotOnnx) {
  const auto path = tmp("text.onnx");
  writeBytes(path, "this is not protobuf at all, just text\n");
  expectBrokenModel(path, "cannot read model '" + path + "': not an ONNX model");
  // Arbitrary bytes: an error or (rarely) a parse, never a crash.
  std::mt19937 rng(12345);
  for (int i = 0; i < 200; ++i) {
    std::string bytes(1 + rng() % 512, '\0');
    for (auto& c : bytes) {
      c = static_cast<char>(rng());
    }
    writeBytes(path, bytes);
    try {
      podml::onnx::readModelInfo(path);
    } catch (const podml::ModelError&) {
    }
  }
}

TEST(BrokenModelFile, Truncated) {
  const auto whole = tmp("whole.onnx");
  podml::onnx::attachCard(linearModel(), hitCard(), whole);
  const auto bytes = readBytes(whole);
  ASSERT_GT(bytes.size(), 100u);
  const auto path = tmp("truncated.onnx");
  writeBytes(path, bytes.substr(0, bytes.size() / 2));
  expectBrokenModel(path, "cannot read model '" + path + "': not an ONNX model");
  // Every cut: readModelInfo gives a ModelError or (cut between top-level fields) the
  // declarations; a Session with the data model always refuses with a ModelError.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    writeBytes(path, bytes.substr(0, n));
    try {
      podml::onnx::readModelInfo(path);
    } catch (const podml::ModelError&) {
    }
    EXPECT_THROW(podml::onnx::Session session(path, dm()), podml::ModelError) << "cut at " << n << " of " << bytes.size();
  }
}

TEST(BrokenModelFile, Empty) {
  const auto path = tmp("empty.onnx");
  writeBytes(path, "");
  expectBrokenModel(path, "cannot read model '" + path + "': not an ONNX model (no IR version or no graph with outputs)");
}
