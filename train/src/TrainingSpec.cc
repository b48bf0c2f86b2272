#include "podml/train/TrainingSpec.h"

#include "podml/Exceptions.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
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
    allowOnly(root, "spec", {"podml_training", "category", "input", "features", "label", "network", "training", "output"});
    s.version = scalar<uint32_t>(required(root, "podml_training", "spec"), "podml_training");
    if (s.version == 0 || s.version > kSpecVersion) {
      fail(root["podml_training"], "spec version " + std::to_string(s.version) + " is not supported (this podml reads " +
                                       std::to_string(kSpecVersion) + ")");
    }
    optional(root, "category", "spec", s.category);

    const auto in = required(root, "input", "spec");
    allowOnly(in, "input", {"type", "collection", "name"});
    s.inputType = scalar<std::string>(required(in, "type", "input"), "input.type");
    s.inputCollection = scalar<std::string>(required(in, "collection", "input"), "input.collection");
    optional(in, "name", "input", s.inputName);

    const auto feats = required(root, "features", "spec");
    s.features = list<std::string>(feats, "features");
    if (s.features.empty()) {
      fail(feats, "'features' must name at least one member");
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < s.features.size(); ++i) {
      if (!seen.insert(s.features[i]).second) {
        fail(feats[i], "feature '" + s.features[i] + "' is listed twice");
      }
    }

    parseLabel(required(root, "label", "spec"), s.label);
    if (const auto net = root["network"]; net.IsDefined()) {
      parseNetwork(net, s.network);
    }
    if (const auto tr = root["training"]; tr.IsDefined()) {
      parseTraining(tr, s.training);
    }
    if (const auto out = root["output"]; out.IsDefined()) {
      parseOutput(out, s.output);
    }
    return s;
  }

private:
  void parseLabel(const YAML::Node& n, LabelSpec& l) const {
    allowOnly(n, "label", {"link", "relation", "member", "in", "unlinked"});
    optional(n, "link", "label", l.link);
    optional(n, "relation", "label", l.relation);
    if (!l.link.empty() && !l.relation.empty()) {
      fail(n["relation"], "'label' takes either 'link' or 'relation', not both");
    }
    l.member = scalar<std::string>(required(n, "member", "label"), "label.member");
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

  void parseNetwork(const YAML::Node& n, NetworkSpec& net) const {
    allowOnly(n, "network", {"hidden", "activation"});
    if (const auto h = n["hidden"]; h.IsDefined()) {
      net.hidden = list<int64_t>(h, "network.hidden");
      for (std::size_t i = 0; i < net.hidden.size(); ++i) {
        if (net.hidden[i] <= 0 || net.hidden[i] > 65536) {
          fail(h[i], "hidden layer sizes must be between 1 and 65536, not " + std::to_string(net.hidden[i]));
        }
      }
    }
    optional(n, "activation", "network", net.activation);
    static const std::set<std::string> known{"relu", "tanh", "sigmoid", "elu", "leaky_relu"};
    if (!known.contains(net.activation)) {
      fail(n["activation"], "unknown activation '" + net.activation + "' (expected relu, tanh, sigmoid, elu or leaky_relu)");
    }
  }

  void parseTraining(const YAML::Node& n, TrainingSettings& t) const {
    allowOnly(n, "training", {"epochs", "batch_size", "learning_rate", "weight_decay", "validation_fraction",
                              "early_stopping", "seed", "balance_classes"});
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
  }

  void parseOutput(const YAML::Node& n, OutputSpec& o) const {
    allowOnly(n, "output", {"name", "meaning", "target"});
    optional(n, "name", "output", o.name);
    optional(n, "meaning", "output", o.meaning);
    if (const auto t = n["target"]; t.IsDefined()) {
      allowOnly(t, "output.target", {"type", "member", "relation", "collection"});
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
