// Training spec version 2 (docs/training.md): what it reads, and one test per kind of
// error it names (file, line, reason) before any data is read.
#include "podml/Exceptions.h"
#include "podml/train/TrainingSpec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace {

using namespace podml::train;

std::string jetsSpec() {
  std::ifstream f(PODML_JETS_SPEC);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The message for the jets spec with `from` replaced by `to` (which must occur).
std::string errorFor(const std::string& from, const std::string& to) {
  auto s = jetsSpec();
  const auto at = s.find(from);
  if (at == std::string::npos) {
    return "(test error: '" + from + "' is not in the spec)";
  }
  s.replace(at, from.size(), to);
  try {
    TrainingSpec::fromYaml(s, "jets.yaml");
  } catch (const podml::DefinitionError& e) {
    return e.what();
  }
  return "(no exception)";
}

// The line of `text` in the jets spec (1-based), so expectations do not hard-code it.
std::string lineOf(const std::string& text) {
  const auto s = jetsSpec();
  const auto at = s.find(text);
  return std::to_string(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1);
}

TEST(TrainingSpecV2, ReadsTheJetsSpec) {
  const auto s = TrainingSpec::fromYaml(jetsSpec(), "jets.yaml");
  EXPECT_EQ(s.version, 2u);
  ASSERT_EQ(s.inputs.size(), 3u);
  EXPECT_EQ(s.inputName, "jet_features");
  EXPECT_EQ(s.features.size(), 5u);
  const auto* c = s.constituentsInput();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "pf_features");
  EXPECT_EQ(c->constituents->relation, "particles");
  EXPECT_EQ(c->constituents->layout, podml::onnx::ConstituentLayout::FeaturesFirst);
  EXPECT_EQ(c->constituents->maxCount, 16u);
  EXPECT_EQ(c->constituents->sortBy, "energy");
  ASSERT_NE(s.maskInput(), nullptr);
  EXPECT_EQ(s.maskInput()->of, "pf_features");
  EXPECT_TRUE(s.maskInput()->collectionType.empty()) << "a mask takes its objects from 'of'";
  ASSERT_EQ(s.label.classes.size(), 3u);
  EXPECT_EQ(s.label.classes[0].name, "b");
  EXPECT_EQ(s.label.classes[0].match, ClassSpec::Match::PdgFlavour);
  EXPECT_EQ(s.label.classes[0].code, 5);
  EXPECT_EQ(s.label.classes[1].code, 4);
  EXPECT_EQ(s.label.classes[2].match, ClassSpec::Match::Unlinked);
  EXPECT_EQ(s.label.classes[2].code, 0);
  EXPECT_EQ(s.network.name, "deepsets");
  EXPECT_EQ(s.output.perClass, "collections");
  EXPECT_EQ(s.output.classMember, "PDG");
}

TEST(TrainingSpecV2, HeaviestQuarkOfPdgCodes) {
  EXPECT_EQ(pdgHeaviestQuark(511), 5);   // B0
  EXPECT_EQ(pdgHeaviestQuark(-521), 5);  // B-
  EXPECT_EQ(pdgHeaviestQuark(5122), 5);  // Lambda_b
  EXPECT_EQ(pdgHeaviestQuark(421), 4);   // D0
  EXPECT_EQ(pdgHeaviestQuark(-4122), 4); // anti-Lambda_c
  EXPECT_EQ(pdgHeaviestQuark(211), 2);   // pi+
  EXPECT_EQ(pdgHeaviestQuark(130), 3);   // K0L
  EXPECT_EQ(pdgHeaviestQuark(5), 5);     // b quark
  EXPECT_EQ(pdgHeaviestQuark(11), 0);    // electron
  EXPECT_EQ(pdgHeaviestQuark(1000020040), 0); // alpha
}

TEST(TrainingSpecV2, InputErrors) {
  const std::string kind = lineOf("kind: constituents");
  EXPECT_EQ(errorFor("kind: constituents", "kind: particles"),
            "invalid training spec: unknown input kind 'particles' in 'inputs[1]' (expected objects, constituents, mask, "
            "segment_ids or offsets) (jets.yaml:" + kind + ")");
  EXPECT_NE(errorFor("    relation: particles\n", "").find("takes its constituents from either 'relation' or 'link'"),
            std::string::npos);
  EXPECT_NE(errorFor("    relation: particles\n", "    link: edm4hep::RecoMCParticleLink\n").find("needs 'link_collection'"),
            std::string::npos);
  EXPECT_NE(errorFor("layout: NFP ", "layout: PFN ").find("'input 'pf_features'.layout' must be NFP, NPF or ragged, not 'PFN'"),
            std::string::npos);
  EXPECT_NE(errorFor("layout: NFP ", "layout: ragged ").find(".max' is for padded layouts; a ragged input keeps every constituent"), std::string::npos);
  EXPECT_NE(errorFor("of: pf_features", "of: jet_features").find("'of' must name a constituents input, not 'jet_features'"),
            std::string::npos);
  EXPECT_NE(errorFor("kind: mask", "kind: segment_ids").find("segment ids and offsets are for ragged constituents"),
            std::string::npos);
  EXPECT_NE(errorFor("    members: [momentum.x, momentum.y, momentum.z, energy, mass]\n",
                     "    members: [mass]\n  - name: more\n    members: [energy]\n")
                .find("a spec has at most one objects input"),
            std::string::npos);
  EXPECT_NE(errorFor("  - name: pf_mask", "  - name: pf_more\n    kind: constituents\n    relation: particles\n"
                                          "    members: [mass]\n  - name: pf_mask")
                .find("reads other constituents than 'pf_features'"),
            std::string::npos);
  EXPECT_NE(errorFor("name: pf_mask", "name: pf_features").find("input name 'pf_features' is used twice"), std::string::npos);
  EXPECT_NE(errorFor("    pad_value: 0", "    pad_value: .nan").find("must be a finite number"), std::string::npos);
  EXPECT_NE(errorFor("inputs:", "features: [energy]\ninputs:").find("unknown key 'features' in 'spec'"), std::string::npos);
  EXPECT_NE(errorFor("podml_training: 2", "podml_training: 1").find("'inputs' needs podml_training: 2"), std::string::npos);
}

TEST(TrainingSpecV2, LabelErrors) {
  EXPECT_NE(errorFor("    c: {pdg_flavour: 4}             # a charm hadron: 4\n    light: {unlinked: true, code: 0}  # no link: light\n", "")
                .find("must map at least two class names"),
            std::string::npos);
  EXPECT_EQ(errorFor("    c: {pdg_flavour: 4}", "    c: {pdg_flavour: 7}"),
            "invalid training spec: 'label.classes.c.pdg_flavour' is a quark (1 to 6), not 7 (jets.yaml:" +
                lineOf("    c: {pdg_flavour: 4}") + ")");
  EXPECT_NE(errorFor("{pdg_flavour: 4}", "{pdg_flavour: 4, in: [411]}").find("needs exactly one of"), std::string::npos);
  EXPECT_NE(errorFor("{pdg_flavour: 4}", "{code: 4}").find("needs exactly one of"), std::string::npos);
  EXPECT_NE(errorFor("{pdg_flavour: 4}", "{unlinked: true}").find("only one class can take the unlinked objects"),
            std::string::npos);
  EXPECT_NE(errorFor("    c: {pdg_flavour: 4}", "    b: {pdg_flavour: 4}").find("is listed twice"), std::string::npos);
  EXPECT_NE(errorFor("  link: JetMCFlavourLinks\n", "").find("'label.classes.light.unlinked' needs 'label.link'"),
            std::string::npos);
  EXPECT_NE(errorFor("  member: PDG\n", "  member: PDG\n  in: [5]\n").find("'label.in' is for a binary label"),
            std::string::npos);
  EXPECT_NE(errorFor("    c: {", "    c/d: {").find("class name 'c/d' must be non-empty without '.', '/'"),
            std::string::npos);
}

TEST(TrainingSpecV2, NetworkTrainingAndOutputErrors) {
  EXPECT_NE(errorFor("name: deepsets", "name: gnn").find("unknown network 'gnn' (expected mlp, deepsets or attention)"),
            std::string::npos);
  EXPECT_NE(errorFor("name: deepsets", "name: mlp").find("unknown key 'phi' in 'network'"), std::string::npos);
  EXPECT_NE(errorFor("  - name: pf_mask                   # 1 for a real constituent, 0 for padding: [N, 1, P]\n"
                     "    kind: mask\n    of: pf_features\n",
                     "")
                .find("network 'deepsets' takes one padded constituents input (NFP or NPF), its mask"),
            std::string::npos);
  EXPECT_NE(errorFor("  pooling: sum", "  pooling: max").find("'network.pooling' must be sum or mean"), std::string::npos);
  EXPECT_NE(errorFor("  seed: 42", "  seed: 42\n  class_weights: {b: 2, bottom: 1}")
                .find("'training.class_weights' names 'bottom', which is not a class of the label"),
            std::string::npos);
  EXPECT_NE(errorFor("  seed: 42", "  seed: 42\n  class_weights: {b: 2}\n  balance_classes: true")
                .find("exclude each other"),
            std::string::npos);
  EXPECT_NE(errorFor("  seed: 42", "  seed: 42\n  class_weights: {b: -1}").find("class weights must be positive"),
            std::string::npos);
  EXPECT_NE(errorFor("per_class: collections", "per_class: columns")
                .find("'output.target.per_class' must be collections or vector, not 'columns'"),
            std::string::npos);
}

} // namespace
