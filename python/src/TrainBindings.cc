// Training specs and the rows they select: what `podml train` reads, for the Python route
// (examples/python/train.py), so that both routes cannot differ in how they read a spec
// (unknown keys, defaults, array members) or join labels and split events.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/train/Dataset.h"
#include "podml/train/SpecCard.h"
#include "podml/train/TrainingSpec.h"

#include <pybind11/stl.h>

namespace podml::python {

namespace {

// A spec from a path (str or os.PathLike) or a dict in the YAML's structure (JSON is YAML).
train::TrainingSpec specFrom(py::handle spec) {
  if (py::isinstance<py::dict>(spec)) {
    // One key per line, so that the line in a message points at the key.
    const auto text = py::module_::import("json").attr("dumps")(spec, py::arg("indent") = 1).cast<std::string>();
    return train::TrainingSpec::fromYaml(text, "training spec (a dict, as JSON)");
  }
  const std::string path = pathString(spec);
  py::gil_scoped_release nogil;
  return train::TrainingSpec::fromYamlFile(path);
}

// One input of a version 2 spec, in the YAML's structure.
py::dict inputDict(const onnx::CardInput& in) {
  py::dict d;
  d["name"] = in.name;
  d["kind"] = std::string(onnx::inputKindName(in.kind));
  if (in.kind == onnx::InputKind::Objects || in.kind == onnx::InputKind::Constituents) {
    py::list members;
    for (const auto& m : in.members) {
      members.append(m.path);
    }
    d["members"] = members;
  } else {
    d["of"] = in.of;
    d["dtype"] = std::string(dtypeName(in.dtype));
  }
  if (in.constituents) {
    const auto& c = *in.constituents;
    if (!c.relation.empty()) {
      d["relation"] = c.relation;
    } else {
      d["link"] = c.link;
      d["link_collection"] = c.linkCollection;
    }
    d["layout"] = std::string(onnx::layoutName(c.layout));
    d["max"] = c.maxCount;
    d["sort_by"] = c.sortBy;
    d["descending"] = c.descending;
    d["pad_value"] = c.padValue;
  }
  return d;
}

// The spec with every default filled in, in the YAML's structure: what podml train uses.
py::dict specDict(const train::TrainingSpec& s) {
  py::dict d;
  d["podml_training"] = s.version;
  d["category"] = s.category;
  py::dict in;
  in["type"] = s.inputType;
  in["collection"] = s.inputCollection;
  if (s.version == 1) {
    in["name"] = s.inputName;
  }
  d["input"] = in;
  if (s.version == 1) {
    d["features"] = s.features;
  } else {
    py::list inputs;
    for (const auto& i : s.inputs) {
      inputs.append(inputDict(i));
    }
    d["inputs"] = inputs;
  }
  py::dict label;
  if (!s.label.link.empty()) {
    label["link"] = s.label.link;
  }
  if (!s.label.relation.empty()) {
    label["relation"] = s.label.relation;
  }
  label["member"] = s.label.member;
  if (!s.label.classes.empty()) {
    py::dict classes; // insertion-ordered: the output's columns
    for (const auto& c : s.label.classes) {
      py::dict k;
      switch (c.match) {
      case train::ClassSpec::Match::Values: k["in"] = c.values; break;
      case train::ClassSpec::Match::PdgFlavour: k["pdg_flavour"] = c.flavour; break;
      case train::ClassSpec::Match::Unlinked: k["unlinked"] = true; break;
      case train::ClassSpec::Match::Otherwise: k["otherwise"] = true; break;
      }
      k["code"] = c.code;
      classes[py::str(c.name)] = k;
    }
    label["classes"] = classes;
  } else {
    if (!s.label.signalValues.empty()) {
      label["in"] = s.label.signalValues;
    }
    if (!s.label.link.empty() || !s.label.relation.empty()) {
      label["unlinked"] = s.label.skipUnlinked ? "skip" : "background";
    }
  }
  d["label"] = label;
  py::dict net;
  const auto& n = s.network;
  if (s.version >= 2) {
    net["name"] = n.name;
  }
  net["hidden"] = n.hidden;
  net["activation"] = n.activation;
  if (n.name == "deepsets") {
    net["phi"] = n.phi;
    net["pooling"] = n.pooling;
  }
  if (n.name == "attention") {
    net["embed"] = n.embed;
    net["heads"] = n.heads;
    net["blocks"] = n.blocks;
  }
  d["network"] = net;
  const auto& t = s.training;
  py::dict tr;
  tr["epochs"] = t.epochs;
  tr["batch_size"] = t.batchSize;
  tr["learning_rate"] = t.learningRate;
  tr["weight_decay"] = t.weightDecay;
  tr["validation_fraction"] = t.validationFraction;
  py::dict es;
  es["patience"] = t.patience;
  es["min_delta"] = t.minDelta;
  tr["early_stopping"] = es;
  tr["seed"] = t.seed;
  tr["balance_classes"] = t.balanceClasses;
  if (!t.classWeights.empty()) {
    py::dict w;
    for (std::size_t k = 0; k < t.classWeights.size(); ++k) {
      w[py::str(s.label.classes[k].name)] = t.classWeights[k];
    }
    tr["class_weights"] = w;
  }
  d["training"] = tr;
  py::dict out;
  out["name"] = s.output.name;
  out["meaning"] = s.output.meaning;
  if (!s.output.targetType.empty()) {
    py::dict target;
    target["type"] = s.output.targetType;
    target["member"] = s.output.targetMember;
    target["relation"] = s.output.targetRelation;
    target["collection"] = s.output.targetCollection;
    if (s.multiClass()) {
      target["per_class"] = s.output.perClass;
      target["class_member"] = s.output.classMember;
    }
    out["target"] = target;
  }
  d["output"] = out;
  return d;
}

template <typename T>
py::array ownedArray(std::vector<T> values, std::vector<py::ssize_t> shape, DType dtype) {
  auto owner = std::make_shared<std::vector<T>>(std::move(values));
  return bufferView(dtype, shape, owner->data(), owner, true);
}

} // namespace

void registerTrain(py::module_& m) {
  m.def(
      "read_training_spec", [](py::handle spec) { return specDict(specFrom(spec)); }, py::arg("spec"),
      "A training spec (a YAML file, or a dict in its structure) read and checked as ``podml train`` reads\n"
      "it: unknown keys and bad values raise DefinitionError naming the file and line. Returns the spec\n"
      "with every default filled in (docs/training.md).");
  m.def(
      "labelled_rows",
      [](py::handle spec, py::handle files, uint64_t first, uint64_t last) {
        const auto s = specFrom(spec);
        const auto paths = pathList(files);
        train::LabelledRows r;
        {
          py::gil_scoped_release nogil;
          r = train::readLabelledRows(s, paths, {first, last});
        }
        const auto rows = static_cast<py::ssize_t>(r.rows.rows());
        py::dict d;
        d["features"] = ownedArray(std::move(r.rows.features), {rows, static_cast<py::ssize_t>(r.width)}, DType::Float32);
        if (s.multiClass()) {
          // Class indices, as torch's cross-entropy takes them.
          std::vector<int64_t> classes(r.rows.labels.begin(), r.rows.labels.end());
          d["labels"] = ownedArray(std::move(classes), {rows}, DType::Int64);
          py::list names;
          for (const auto& c : s.label.classes) {
            names.append(c.name);
          }
          d["class_names"] = names;
        } else {
          d["labels"] = ownedArray(std::move(r.rows.labels), {rows}, DType::Float32);
        }
        if (s.constituentsInput() != nullptr) {
          const auto m = static_cast<py::ssize_t>(r.rows.offsets.back());
          d["constituents"] = ownedArray(std::move(r.rows.constituents),
                                         {m, static_cast<py::ssize_t>(r.constituentWidth)}, DType::Float32);
          d["offsets"] = ownedArray(std::move(r.rows.offsets), {rows + 1}, DType::UInt64);
          d["constituent_names"] = r.constituentNames;
        }
        d["validation"] = ownedArray(std::vector<uint8_t>(r.validation), {rows}, DType::UInt8).attr("astype")("bool");
        d["entry"] = ownedArray(std::move(r.entry), {rows}, DType::UInt64);
        d["object"] = ownedArray(std::move(r.object), {rows}, DType::UInt32);
        d["feature_names"] = r.featureNames;
        d["events"] = r.events;
        return d;
      },
      py::arg("spec"), py::arg("files"), py::arg("first") = 0, py::arg("last") = 0,
      "The rows ``podml train`` makes from ``spec`` (a YAML path or a dict) over ``files`` (paths or\n"
      "globs), for entries [first, last) (all if last is 0), in file order: ``{'features': float32\n"
      "[rows, width], 'labels': float32 [rows] (0 or 1), 'validation': bool [rows] (the same split by\n"
      "event as podml train), 'entry', 'object': which object of which entry each row is,\n"
      "'feature_names', 'events'}``. Labels are joined through the spec's link or relation in C++, from\n"
      "bulk column reads; the arrays own their memory (one copy, made while reading). With classes\n"
      "(spec version 2) 'labels' is int64 [rows], the class index, and 'class_names' lists them. With\n"
      "constituents, 'constituents' is float32 [M, F] (every constituents input's members, ordered and\n"
      "truncated as the inference gather does), 'offsets' uint64 [rows + 1] (row r's constituents are\n"
      "offsets[r]:offsets[r + 1]) and 'constituent_names' names the F values; padding to [rows, P, F]\n"
      "is the caller's (one copy).");
  m.def(
      "training_card",
      [](py::handle spec, py::handle files, py::handle provenance) {
        const auto s = specFrom(spec);
        const auto paths = pathList(files);
        const std::string prov = provenance.is_none()
                                     ? std::string("{}")
                                     : py::module_::import("json").attr("dumps")(provenance).cast<std::string>();
        onnx::ModelCard card;
        {
          py::gil_scoped_release nogil;
          card = train::makeCard(s, paths, prov);
        }
        return py::module_::import("json").attr("loads")(card.toJson());
      },
      py::arg("spec"), py::arg("files"), py::arg("provenance") = py::none(),
      "The model card ``podml train`` attaches for ``spec`` (a YAML path or a dict), completed from the\n"
      "data model of ``files``, with ``provenance`` (a dict) attached: a dict for ``attach_card``, so\n"
      "that both training routes write the same card.");
}

} // namespace podml::python
