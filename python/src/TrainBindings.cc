// Training specs and the rows they select: what `podml train` reads, for the Python route
// (examples/python/train.py), so that both routes cannot differ in how they read a spec
// (unknown keys, defaults, array members) or join labels and split events.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/train/Dataset.h"
#include "podml/train/TrainingSpec.h"

#include <pybind11/stl.h>

namespace podml::python {

namespace {

// A spec from a path (str or os.PathLike) or a dict in the YAML's structure (JSON is YAML).
train::TrainingSpec specFrom(py::handle spec) {
  if (py::isinstance<py::dict>(spec)) {
    const auto text = py::module_::import("json").attr("dumps")(spec).cast<std::string>();
    return train::TrainingSpec::fromYaml(text, "training spec (a dict)");
  }
  const std::string path = pathString(spec);
  py::gil_scoped_release nogil;
  return train::TrainingSpec::fromYamlFile(path);
}

// The spec with every default filled in, in the YAML's structure: what podml train uses.
py::dict specDict(const train::TrainingSpec& s) {
  py::dict d;
  d["podml_training"] = s.version;
  d["category"] = s.category;
  py::dict in;
  in["type"] = s.inputType;
  in["collection"] = s.inputCollection;
  in["name"] = s.inputName;
  d["input"] = in;
  d["features"] = s.features;
  py::dict label;
  if (!s.label.link.empty()) {
    label["link"] = s.label.link;
  }
  if (!s.label.relation.empty()) {
    label["relation"] = s.label.relation;
  }
  label["member"] = s.label.member;
  if (!s.label.signalValues.empty()) {
    label["in"] = s.label.signalValues;
  }
  label["unlinked"] = s.label.skipUnlinked ? "skip" : "background";
  d["label"] = label;
  py::dict net;
  net["hidden"] = s.network.hidden;
  net["activation"] = s.network.activation;
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
        d["labels"] = ownedArray(std::move(r.rows.labels), {rows}, DType::Float32);
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
      "bulk column reads; the arrays own their memory (one copy, made while reading).");
}

} // namespace podml::python
