#include "podml/train/TrainingSpec.h"

#include "podml/Exceptions.h"
#include "podml/Text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace podml::train {
namespace {

// Every error names the file and the line, as the generator's YAML errors do.
class SpecParser {
public:
  explicit SpecParser(std::string source) : m_source(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& why) const {
    std::string where = m_source;
    if (at.IsDefined() && at.Mark().line >= 0) {
      where += ":" + std::to_string(at.Mark().line + 1);
    }
    throw DefinitionError("invalid training spec: " + why + " (" + where + ")");
  }

  // Typos in optional keys would silently fall back to defaults: refuse unknown keys.
  void allowOnly(const YAML::Node& map, const std::string& what, std::initializer_list<const char*> keys) const {
    if (!map.IsMap()) {
      fail(map, "'" + what + "' must be a mapping");
    }
    const std::set<std::string> allowed(keys.begin(), keys.end());
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (!allowed.contains(key)) {
        std::string list;
        for (const auto* k : keys) {
          list += (list.empty() ? "" : ", ") + std::string(k);
        }
        fail(kv.first, "unknown key '" + key + "' in '" + what + "' (expected one of: " + list + ")");
      }
    }
  }

  YAML::Node required(const YAML::Node& map, const char* key, const std::string& what) const {
    const auto n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
      fail(map, "'" + what + "' needs '" + key + "'");
    }
    return n;
  }

  template <typename T>
  T scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) {
      fail(n, "'" + what + "' must be a single value");
    }
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(n, "'" + what + "' has the wrong type: '" + n.Scalar() + "'");
    }
  }

  template <typename T>
  void optional(const YAML::Node& map, const char* key, const std::string& what, T& out) const {
    const auto n = map[key];
    if (n.IsDefined() && !n.IsNull()) {
      out = scalar<T>(n, what + "." + key);
    }
  }

  template <typename T>
  std::vector<T> list(const YAML::Node& n, const std::string& what) const {
    if (!n.IsSequence()) {
      fail(n, "'" + what + "' must be a list");
    }
    std::vector<T> out;
    for (const auto& v : n) {
      out.push_back(scalar<T>(v, what));
    }
    return out;
  }

  TrainingSpec parse(const YAML::Node& root) const {
    TrainingSpec s;
    s.source = m_source;
    const auto version = root["podml_training"];
    s.version = scalar<uint32_t>(required(root, "podml_training", "spec"), "podml_training");
    if (s.version == 0 || s.version > kSpecVersion) {
      fail(version, "spec version " + std::to_string(s.version) + " is not supported (this podml reads 1 to " +
                        std::to_string(kSpecVersion) + ")");
    }
    const bool v2 = s.version >= 2;
    if (v2) {
      allowOnly(root, "spec", {"podml_training", "category", "input", "inputs", "label", "network", "training", "output"});
    } else {
      if (root["inputs"].IsDefined()) {
        fail(root["inputs"], "'inputs' needs podml_training: 2 (this spec says 1)");
      }
      allowOnly(root, "spec", {"podml_training", "category", "input", "features", "label", "network", "training", "output"});
    }
    optional(root, "category", "spec", s.category);

    const auto in = required(root, "input", "spec");
    if (v2) {
      allowOnly(in, "input", {"type", "collection"});
    } else {
      allowOnly(in, "input", {"type", "collection", "name"});
    }
    s.inputType = scalar<std::string>(required(in, "type", "input"), "input.type");
    s.inputCollection = scalar<std::string>(required(in, "collection", "input"), "input.collection");
    optional(in, "name", "input", s.inputName);

    if (v2) {
      parseInputs(required(root, "inputs", "spec"), s);
      s.inputName.clear();
      if (const auto* o = s.objectsInput()) {
        s.inputName = o->name;
        for (const auto& m : o->members) {
          s.features.push_back(m.path);
        }
      }
    } else {
      const auto feats = required(root, "features", "spec");
      s.features = members(feats, "features");
      onnx::CardInput ci;
      ci.name = s.inputName;
      ci.collectionType = s.inputType;
      ci.collection = s.inputCollection;
      for (const auto& f : s.features) {
        ci.members.push_back({f});
      }
      s.inputs.push_back(std::move(ci));
    }

    parseLabel(required(root, "label", "spec"), s.label, v2);
    if (const auto net = root["network"]; net.IsDefined()) {
      parseNetwork(net, s.network, v2);
    }
    checkNetwork(root, s);
    if (const auto tr = root["training"]; tr.IsDefined()) {
      parseTraining(tr, s.training, s.label, v2);
    }
    if (const auto out = root["output"]; out.IsDefined()) {
      parseOutput(out, s.output, v2);
    }
    if (s.multiClass() && !s.output.targetType.empty() && s.output.perClass == "collections" &&
        s.output.classMember.empty()) {
      s.output.classMember = "PDG";
    }
    return s;
  }

private:
  // An ordered list of member paths, each once.
  std::vector<std::string> members(const YAML::Node& n, const std::string& what) const {
    auto out = list<std::string>(n, what);
    if (out.empty()) {
      fail(n, "'" + what + "' must name at least one member");
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!seen.insert(out[i]).second) {
        fail(n[i], what == "features" ? "feature '" + out[i] + "' is listed twice"
                                      : "member '" + out[i] + "' is listed twice in '" + what + "'");
      }
    }
    return out;
  }

  // Version 2: the graph inputs, with the card's kinds and keys (docs/model-card.md).
  void parseInputs(const YAML::Node& list, TrainingSpec& s) const {
    if (!list.IsSequence() || list.size() == 0) {
      fail(list, "'inputs' must be a list of at least one input");
    }
    std::map<std::string, std::size_t> byName;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto n = list[i];
      const std::string what = "inputs[" + std::to_string(i) + "]";
      if (!n.IsMap()) {
        fail(n, "'" + what + "' must be a mapping");
      }
      onnx::CardInput ci;
      ci.collectionType = s.inputType;
      ci.collection = s.inputCollection;
      ci.name = scalar<std::string>(required(n, "name", what), what + ".name");
      if (ci.name.empty()) {
        fail(n["name"], "'" + what + ".name' must not be empty");
      }
      if (!byName.emplace(ci.name, i).second) {
        fail(n["name"], "input name '" + ci.name + "' is used twice");
      }
      const std::string kind = n["kind"].IsDefined() ? scalar<std::string>(n["kind"], what + ".kind") : "objects";
      const std::string at = "input '" + ci.name + "'";
      if (kind == "objects") {
        allowOnly(n, at, {"name", "kind", "members"});
        ci.kind = onnx::InputKind::Objects;
        for (const auto& m : members(required(n, "members", at), at + ".members")) {
          ci.members.push_back({m});
        }
      } else if (kind == "constituents") {
        allowOnly(n, at, {"name", "kind", "members", "relation", "link", "link_collection", "layout", "max", "sort_by",
                          "descending", "pad_value"});
        ci.kind = onnx::InputKind::Constituents;
        for (const auto& m : members(required(n, "members", at), at + ".members")) {
          ci.members.push_back({m});
        }
        ci.constituents = parseSource(n, at);
      } else if (kind == "mask" || kind == "segment_ids" || kind == "offsets") {
        allowOnly(n, at, {"name", "kind", "of", "dtype"});
        ci.kind = kind == "mask" ? onnx::InputKind::Mask
                  : kind == "segment_ids" ? onnx::InputKind::SegmentIds
                                          : onnx::InputKind::Offsets;
        ci.of = scalar<std::string>(required(n, "of", at), at + ".of");
        ci.collectionType.clear(); // a mask or index input takes its objects from 'of'
        ci.collection.clear();
        ci.dtype = ci.kind == onnx::InputKind::Mask ? DType::Float32 : DType::Int64;
        if (const auto d = n["dtype"]; d.IsDefined()) {
          const auto name = scalar<std::string>(d, at + ".dtype");
          const bool ok = ci.kind == onnx::InputKind::Mask ? name == "float32" || name == "bool"
                                                           : name == "int64" || name == "int32";
          if (!ok) {
            fail(d, "'" + at + ".dtype' must be " +
                        (ci.kind == onnx::InputKind::Mask ? "float32 or bool" : "int64 or int32") + ", not '" + name + "'");
          }
          ci.dtype = name == "bool" ? DType::Bool : name == "int32" ? DType::Int32 : name == "int64" ? DType::Int64 : DType::Float32;
        }
      } else {
        fail(n["kind"], "unknown input kind '" + kind + "' in '" + what +
                            "' (expected objects, constituents, mask, segment_ids or offsets)");
      }
      s.inputs.push_back(std::move(ci));
    }
    checkInputs(list, s, byName);
  }

  onnx::ConstituentSource parseSource(const YAML::Node& n, const std::string& at) const {
    onnx::ConstituentSource c;
    optional(n, "relation", at, c.relation);
    optional(n, "link", at, c.link);
    optional(n, "link_collection", at, c.linkCollection);
    if (c.relation.empty() == c.link.empty()) {
      fail(n, "'" + at + "' takes its constituents from either 'relation' or 'link'");
    }
    if (!c.link.empty() && c.linkCollection.empty()) {
      fail(n, "'" + at + "' has a 'link' and needs 'link_collection', the link collection to read");
    }
    if (c.link.empty() && n["link_collection"].IsDefined()) {
      fail(n["link_collection"], "'" + at + ".link_collection' needs 'link'");
    }
    if (const auto l = n["layout"]; l.IsDefined()) {
      const auto name = scalar<std::string>(l, at + ".layout");
      if (name == "NFP") {
        c.layout = onnx::ConstituentLayout::FeaturesFirst;
      } else if (name == "NPF") {
        c.layout = onnx::ConstituentLayout::ConstituentsFirst;
      } else if (name == "ragged") {
        c.layout = onnx::ConstituentLayout::Ragged;
      } else {
        fail(l, "'" + at + ".layout' must be NFP, NPF or ragged, not '" + name + "'");
      }
    }
    if (const auto m = n["max"]; m.IsDefined()) {
      const auto v = scalar<int64_t>(m, at + ".max");
      if (v < 0 || v > 1000000) {
        fail(m, "'" + at + ".max' must be between 0 (the longest list of the batch) and 1000000, not " + std::to_string(v));
      }
      if (c.layout == onnx::ConstituentLayout::Ragged) {
        fail(m, "'" + at + ".max' is for padded layouts; a ragged input keeps every constituent");
      }
      c.maxCount = static_cast<uint32_t>(v);
    }
    optional(n, "sort_by", at, c.sortBy);
    optional(n, "descending", at, c.descending);
    optional(n, "pad_value", at, c.padValue);
    if (!std::isfinite(c.padValue)) {
      fail(n["pad_value"], "'" + at + ".pad_value' must be a finite number");
    }
    return c;
  }

  // What both routes need to read the inputs as one set of constituents per object.
  void checkInputs(const YAML::Node& list, const TrainingSpec& s, const std::map<std::string, std::size_t>& byName) const {
    const onnx::CardInput* first = nullptr;
    int objects = 0;
    for (std::size_t i = 0; i < s.inputs.size(); ++i) {
      const auto& in = s.inputs[i];
      if (in.kind == onnx::InputKind::Objects && ++objects > 1) {
        fail(list[i], "input '" + in.name + "': a spec has at most one objects input (list every member in one)");
      }
      if (in.kind == onnx::InputKind::Constituents) {
        if (first == nullptr) {
          first = &in;
          continue;
        }
        const auto& a = *first->constituents;
        const auto& b = *in.constituents;
        if (a.relation != b.relation || a.link != b.link || a.linkCollection != b.linkCollection ||
            a.sortBy != b.sortBy || a.descending != b.descending || a.maxCount != b.maxCount) {
          fail(list[i], "input '" + in.name + "' reads other constituents than '" + first->name +
                            "' (relation or link, sort_by, descending and max must be the same for every constituents input)");
        }
      }
      if (in.kind == onnx::InputKind::Mask || in.kind == onnx::InputKind::SegmentIds ||
          in.kind == onnx::InputKind::Offsets) {
        const auto it = byName.find(in.of);
        if (it == byName.end() || s.inputs[it->second].kind != onnx::InputKind::Constituents) {
          fail(list[i]["of"], "input '" + in.name + "': 'of' must name a constituents input, not '" + in.of + "'");
        }
        const bool ragged = s.inputs[it->second].constituents->layout == onnx::ConstituentLayout::Ragged;
        if (in.kind == onnx::InputKind::Mask && ragged) {
          fail(list[i], "input '" + in.name + "': a mask is for padded constituents; '" + in.of + "' is ragged");
        }
        if (in.kind != onnx::InputKind::Mask && !ragged) {
          fail(list[i], "input '" + in.name + "': segment ids and offsets are for ragged constituents; '" + in.of +
                            "' is padded (give it a mask)");
        }
      }
    }
  }

  // Which inputs each network takes, named before any data is read.
  void checkNetwork(const YAML::Node& root, const TrainingSpec& s) const {
    const auto at = root["network"].IsDefined() ? root["network"] : root;
    int objects = 0, constituents = 0, masks = 0, other = 0;
    bool ragged = false;
    for (const auto& in : s.inputs) {
      switch (in.kind) {
      case onnx::InputKind::Objects: ++objects; break;
      case onnx::InputKind::Constituents:
        ++constituents;
        ragged = ragged || in.constituents->layout == onnx::ConstituentLayout::Ragged;
        break;
      case onnx::InputKind::Mask: ++masks; break;
      default: ++other; break;
      }
    }
    const auto& name = s.network.name;
    if (name == "mlp" && (objects != 1 || constituents + masks + other > 0)) {
      fail(at, "network 'mlp' takes one objects input and nothing else (this spec has " + std::to_string(s.inputs.size()) +
                   " inputs); constituents need 'deepsets' or 'attention'");
    }
    if (name == "deepsets" && (constituents != 1 || masks != 1 || ragged || other > 0)) {
      fail(at, "network 'deepsets' takes one padded constituents input (NFP or NPF), its mask and at most one objects input");
    }
    if (name == "attention" && (constituents < 1 || masks != 1 || ragged || other > 0)) {
      fail(at, "network 'attention' takes padded constituents inputs (NFP or NPF), one mask and at most one objects input");
    }
  }

  void parseLabel(const YAML::Node& n, LabelSpec& l, bool v2) const {
    if (v2) {
      allowOnly(n, "label", {"link", "relation", "member", "in", "unlinked", "classes"});
    } else {
      if (n.IsMap() && n["classes"].IsDefined()) {
        fail(n["classes"], "'label.classes' needs podml_training: 2 (this spec says 1)");
      }
      allowOnly(n, "label", {"link", "relation", "member", "in", "unlinked"});
    }
    optional(n, "link", "label", l.link);
    optional(n, "relation", "label", l.relation);
    if (!l.link.empty() && !l.relation.empty()) {
      fail(n["relation"], "'label' takes either 'link' or 'relation', not both");
    }
    l.member = scalar<std::string>(required(n, "member", "label"), "label.member");
    if (const auto c = n["classes"]; c.IsDefined()) {
      for (const char* key : {"in", "unlinked"}) {
        if (n[key].IsDefined()) {
          fail(n[key], "'label." + std::string(key) + "' is for a binary label; with 'classes' each class says what it takes");
        }
      }
      parseClasses(c, l);
      return;
    }
    if (const auto v = n["in"]; v.IsDefined()) {
      l.signalValues = list<double>(v, "label.in");
      if (l.signalValues.empty()) {
        fail(v, "'label.in' must list at least one value");
      }
    }
    if (const auto u = n["unlinked"]; u.IsDefined()) {
      const auto what = scalar<std::string>(u, "label.unlinked");
      if (what != "background" && what != "skip") {
        fail(u, "'label.unlinked' must be 'background' or 'skip', not '" + what + "'");
      }
      if (l.link.empty() && l.relation.empty()) {
        fail(u, "'label.unlinked' needs 'label.link' or 'label.relation'");
      }
      l.skipUnlinked = what == "skip";
    }
  }

  // classes: {b: {pdg_flavour: 5}, c: {pdg_flavour: 4}, light: {unlinked: true, code: 0}}, in order.
  void parseClasses(const YAML::Node& c, LabelSpec& l) const {
    if (!c.IsMap() || c.size() < 2) {
      fail(c, "'label.classes' must map at least two class names to what each takes");
    }
    bool unlinked = false, otherwise = false;
    for (const auto& kv : c) {
      ClassSpec k;
      k.name = scalar<std::string>(kv.first, "label.classes");
      const std::string at = "label.classes." + k.name;
      if (k.name.empty() || k.name.find_first_of("./ ") != std::string::npos) {
        fail(kv.first, "class name '" + k.name + "' must be non-empty without '.', '/' or spaces (it names a collection)");
      }
      for (const auto& other : l.classes) {
        if (other.name == k.name) {
          fail(kv.first, "class '" + k.name + "' is listed twice");
        }
      }
      const auto& v = kv.second;
      allowOnly(v, at, {"in", "pdg_flavour", "unlinked", "otherwise", "code"});
      int matchers = 0;
      if (v["in"].IsDefined()) {
        ++matchers;
        k.match = ClassSpec::Match::Values;
        k.values = list<double>(v["in"], at + ".in");
        if (k.values.empty()) {
          fail(v["in"], "'" + at + ".in' must list at least one value");
        }
        const double first = k.values.front();
        // The default code is the first value, if it is an integer (a PDG code).
        k.code = std::isfinite(first) && std::fabs(first) < 9.0e15 && std::floor(first) == first
                     ? static_cast<int64_t>(first)
                     : static_cast<int64_t>(l.classes.size());
      }
      if (v["pdg_flavour"].IsDefined()) {
        ++matchers;
        k.match = ClassSpec::Match::PdgFlavour;
        k.flavour = scalar<int>(v["pdg_flavour"], at + ".pdg_flavour");
        if (k.flavour < 1 || k.flavour > 6) {
          fail(v["pdg_flavour"], "'" + at + ".pdg_flavour' is a quark (1 to 6), not " + std::to_string(k.flavour));
        }
        k.code = k.flavour;
      }
      for (const char* flag : {"unlinked", "otherwise"}) {
        if (v[flag].IsDefined()) {
          ++matchers;
          if (!scalar<bool>(v[flag], at + "." + flag)) {
            fail(v[flag], "'" + at + "." + flag + "' can only be true (leave it out otherwise)");
          }
          k.match = std::string(flag) == "unlinked" ? ClassSpec::Match::Unlinked : ClassSpec::Match::Otherwise;
          k.code = static_cast<int64_t>(l.classes.size());
        }
      }
      if (matchers != 1) {
        fail(v, "class '" + k.name + "' needs exactly one of 'in', 'pdg_flavour', 'unlinked' and 'otherwise'");
      }
      if (k.match == ClassSpec::Match::Unlinked) {
        if (unlinked) {
          fail(v, "only one class can take the unlinked objects");
        }
        if (l.link.empty() && l.relation.empty()) {
          fail(v["unlinked"], "'" + at + ".unlinked' needs 'label.link' or 'label.relation'");
        }
        unlinked = true;
      }
      if (k.match == ClassSpec::Match::Otherwise) {
        if (otherwise) {
          fail(v, "only one class can be 'otherwise'");
        }
        otherwise = true;
      }
      optional(v, "code", at, k.code);
      l.classes.push_back(std::move(k));
    }
  }

  std::vector<int64_t> layerSizes(const YAML::Node& h, const std::string& what) const {
    auto sizes = list<int64_t>(h, what);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] <= 0 || sizes[i] > 65536) {
        fail(h[i], "layer sizes must be between 1 and 65536, not " + std::to_string(sizes[i]));
      }
    }
    return sizes;
  }

  void parseNetwork(const YAML::Node& n, NetworkSpec& net, bool v2) const {
    if (!v2) {
      allowOnly(n, "network", {"hidden", "activation"});
    } else {
      if (!n.IsMap()) {
        fail(n, "'network' must be a mapping");
      }
      optional(n, "name", "network", net.name);
      if (net.name == "mlp") {
        allowOnly(n, "network", {"name", "hidden", "activation"});
      } else if (net.name == "deepsets") {
        allowOnly(n, "network", {"name", "phi", "hidden", "activation", "pooling"});
      } else if (net.name == "attention") {
        allowOnly(n, "network", {"name", "embed", "heads", "blocks", "hidden", "activation"});
      } else {
        fail(n["name"], "unknown network '" + net.name + "' (expected mlp, deepsets or attention)");
      }
    }
    if (const auto h = n["hidden"]; h.IsDefined()) {
      net.hidden = layerSizes(h, "network.hidden");
    }
    if (const auto p = n["phi"]; p.IsDefined()) {
      net.phi = layerSizes(p, "network.phi");
      if (net.phi.empty()) {
        fail(p, "'network.phi' needs at least one layer");
      }
    }
    optional(n, "activation", "network", net.activation);
    static const std::set<std::string> known{"relu", "tanh", "sigmoid", "elu", "leaky_relu"};
    if (!known.contains(net.activation)) {
      fail(n["activation"], "unknown activation '" + net.activation + "' (expected relu, tanh, sigmoid, elu or leaky_relu)");
    }
    optional(n, "pooling", "network", net.pooling);
    if (net.pooling != "sum" && net.pooling != "mean") {
      fail(n["pooling"], "'network.pooling' must be sum or mean, not '" + net.pooling + "'");
    }
    optional(n, "embed", "network", net.embed);
    optional(n, "heads", "network", net.heads);
    optional(n, "blocks", "network", net.blocks);
    if (net.embed < 1 || net.embed > 4096 || net.heads < 1 || net.embed % net.heads != 0) {
      fail(n, "'network.embed' must be between 1 and 4096 and a multiple of 'network.heads'");
    }
    if (net.blocks < 1 || net.blocks > 64) {
      fail(n["blocks"], "'network.blocks' must be between 1 and 64");
    }
  }

  void parseTraining(const YAML::Node& n, TrainingSettings& t, const LabelSpec& label, bool v2) const {
    if (v2) {
      allowOnly(n, "training", {"epochs", "batch_size", "learning_rate", "weight_decay", "validation_fraction",
                                "early_stopping", "seed", "balance_classes", "class_weights"});
    } else {
      allowOnly(n, "training", {"epochs", "batch_size", "learning_rate", "weight_decay", "validation_fraction",
                                "early_stopping", "seed", "balance_classes"});
    }
    optional(n, "epochs", "training", t.epochs);
    optional(n, "batch_size", "training", t.batchSize);
    optional(n, "learning_rate", "training", t.learningRate);
    optional(n, "weight_decay", "training", t.weightDecay);
    optional(n, "validation_fraction", "training", t.validationFraction);
    optional(n, "seed", "training", t.seed);
    optional(n, "balance_classes", "training", t.balanceClasses);
    if (const auto es = n["early_stopping"]; es.IsDefined()) {
      allowOnly(es, "training.early_stopping", {"patience", "min_delta"});
      optional(es, "patience", "training.early_stopping", t.patience);
      optional(es, "min_delta", "training.early_stopping", t.minDelta);
    }
    if (t.epochs < 1) {
      fail(n["epochs"], "'training.epochs' must be at least 1");
    }
    if (t.batchSize < 1) {
      fail(n["batch_size"], "'training.batch_size' must be at least 1");
    }
    if (!(t.learningRate > 0.0) || !std::isfinite(t.learningRate)) {
      fail(n["learning_rate"], "'training.learning_rate' must be positive");
    }
    if (!(t.validationFraction > 0.0 && t.validationFraction < 1.0)) {
      fail(n["validation_fraction"], "'training.validation_fraction' must be between 0 and 1 (exclusive)");
    }
    if (t.patience < 0) {
      fail(n["early_stopping"], "'training.early_stopping.patience' must not be negative");
    }
    if (!(t.weightDecay >= 0.0) || !std::isfinite(t.weightDecay)) {
      fail(n["weight_decay"], "'training.weight_decay' must not be negative");
    }
    if (!(t.minDelta >= 0.0) || !std::isfinite(t.minDelta)) {
      fail(n["early_stopping"], "'training.early_stopping.min_delta' must not be negative");
    }
    if (const auto w = n["class_weights"]; w.IsDefined()) {
      if (label.classes.empty()) {
        fail(w, "'training.class_weights' needs 'label.classes'");
      }
      if (t.balanceClasses) {
        fail(w, "'training.class_weights' and 'training.balance_classes' exclude each other");
      }
      if (!w.IsMap()) {
        fail(w, "'training.class_weights' must map class names to weights");
      }
      t.classWeights.assign(label.classes.size(), 1.0);
      for (const auto& kv : w) {
        const auto name = scalar<std::string>(kv.first, "training.class_weights");
        const auto it = std::find_if(label.classes.begin(), label.classes.end(), [&](const auto& c) { return c.name == name; });
        if (it == label.classes.end()) {
          fail(kv.first, "'training.class_weights' names '" + name + "', which is not a class of the label");
        }
        const auto v = scalar<double>(kv.second, "training.class_weights." + name);
        if (!(v > 0.0) || !std::isfinite(v)) {
          fail(kv.second, "class weights must be positive, not " + std::to_string(v));
        }
        t.classWeights[static_cast<std::size_t>(it - label.classes.begin())] = v;
      }
    }
  }

  void parseOutput(const YAML::Node& n, OutputSpec& o, bool v2) const {
    allowOnly(n, "output", {"name", "meaning", "target"});
    optional(n, "name", "output", o.name);
    optional(n, "meaning", "output", o.meaning);
    if (const auto t = n["target"]; t.IsDefined()) {
      if (v2) {
        allowOnly(t, "output.target", {"type", "member", "relation", "collection", "per_class", "class_member"});
        optional(t, "per_class", "output.target", o.perClass);
        optional(t, "class_member", "output.target", o.classMember);
        if (o.perClass != "collections" && o.perClass != "vector") {
          fail(t["per_class"], "'output.target.per_class' must be collections or vector, not '" + o.perClass + "'");
        }
      } else {
        allowOnly(t, "output.target", {"type", "member", "relation", "collection"});
      }
      o.targetType = scalar<std::string>(required(t, "type", "output.target"), "output.target.type");
      o.targetMember = scalar<std::string>(required(t, "member", "output.target"), "output.target.member");
      o.targetRelation = scalar<std::string>(required(t, "relation", "output.target"), "output.target.relation");
      o.targetCollection = scalar<std::string>(required(t, "collection", "output.target"), "output.target.collection");
    }
  }

  std::string m_source;
};

} // namespace

TrainingSpec TrainingSpec::fromYaml(const std::string& text, const std::string& source) {
  requireUtf8Text(text, "training spec", source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw DefinitionError("invalid training spec: " + e.msg + " (" + source + ":" + std::to_string(e.mark.line + 1) + ")");
  }
  if (!root.IsMap()) {
    throw DefinitionError("invalid training spec: the document is not a mapping (" + source + ")");
  }
  return SpecParser(source).parse(root);
}

namespace {
const onnx::CardInput* firstOf(const std::vector<onnx::CardInput>& inputs, onnx::InputKind kind) {
  for (const auto& in : inputs) {
    if (in.kind == kind) {
      return &in;
    }
  }
  return nullptr;
}
} // namespace

const onnx::CardInput* TrainingSpec::constituentsInput() const { return firstOf(inputs, onnx::InputKind::Constituents); }
const onnx::CardInput* TrainingSpec::objectsInput() const { return firstOf(inputs, onnx::InputKind::Objects); }
const onnx::CardInput* TrainingSpec::maskInput() const { return firstOf(inputs, onnx::InputKind::Mask); }

int pdgHeaviestQuark(int64_t pdg) {
  const uint64_t a = pdg < 0 ? static_cast<uint64_t>(-(pdg + 1)) + 1 : static_cast<uint64_t>(pdg);
  if (a >= 1 && a <= 6) {
    return static_cast<int>(a); // a quark
  }
  if (a >= 1000000000 || a < 100) {
    return 0; // nuclei, leptons, bosons, special codes
  }
  // PDG numbering n_q1 n_q2 n_q3 n_J (the last four digits, ignoring n, n_r, n_L): the
  // heaviest quark is the largest quark digit of a hadron.
  const uint64_t q1 = (a / 1000) % 10, q2 = (a / 100) % 10, q3 = (a / 10) % 10;
  const uint64_t q = std::max({q1, q2, q3});
  return q <= 6 ? static_cast<int>(q) : 0;
}

TrainingSpec TrainingSpec::fromYamlFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    throw DefinitionError("cannot read training spec '" + path + "': no such file or not readable");
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return fromYaml(ss.str(), path);
}

} // namespace podml::train
