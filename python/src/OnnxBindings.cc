// Model cards (read, attach, check) and Session: podml::onnx as Python sees it.
// The card steps are those of `podml card attach` and `podml check`
// (cli/ModelCommands.cc), on the same library calls.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"
#include "podml/workflow/Cards.h"
#include "podml/workflow/Inference.h"

#include <pybind11/stl.h>

#include <cstring>

namespace podml::python {

namespace {

py::object jsonLoads(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

// A card from Python: JSON text as it is, anything else (a dict) through json.dumps.
std::string cardText(py::handle card) {
  if (py::isinstance<py::str>(card)) {
    return card.cast<std::string>();
  }
  return py::module_::import("json").attr("dumps")(card).cast<std::string>();
}

py::object shapeList(const std::vector<onnx::Dim>& shape) {
  py::list l;
  for (const auto& d : shape) {
    if (const auto* n = std::get_if<int64_t>(&d)) {
      l.append(*n);
    } else {
      l.append(std::get<std::string>(d));
    }
  }
  return l;
}

py::list tensorInfos(const std::vector<onnx::TensorInfo>& ts) {
  py::list l;
  for (const auto& t : ts) {
    py::dict d;
    d["name"] = t.name;
    d["type"] = onnx::onnxTypeName(t.elementType);
    d["dtype"] = t.dtype ? py::object(py::str(std::string(dtypeName(*t.dtype)))) : py::object(py::none());
    d["shape"] = t.hasShape ? shapeList(t.shape) : py::object(py::none());
    l.append(d);
  }
  return l;
}

py::dict modelInfoDict(const onnx::ModelInfo& info) {
  py::dict d;
  d["path"] = info.path;
  d["ir_version"] = info.irVersion;
  d["producer"] = info.producer;
  py::dict opsets;
  for (const auto& [domain, version] : info.opsets) {
    opsets[py::str(domain.empty() ? "ai.onnx" : domain)] = version;
  }
  d["opsets"] = opsets;
  d["inputs"] = tensorInfos(info.inputs);
  d["outputs"] = tensorInfos(info.outputs);
  py::dict meta;
  for (const auto& [k, v] : info.metadata) {
    meta[py::str(k)] = v;
  }
  d["metadata"] = meta;
  d["card"] = info.card ? jsonLoads(*info.card) : py::object(py::none());
  return d;
}

onnx::ModelInfo readInfo(const std::string& path) {
  py::gil_scoped_release nogil;
  return onnx::readModelInfo(path);
}

// A card from Python: a dict, JSON text, or a path (str or os.PathLike) to a YAML or JSON card file.
onnx::ModelCard cardFrom(py::handle card) {
  bool isPath = py::hasattr(card, "__fspath__");
  if (py::isinstance<py::str>(card)) {
    const auto text = card.cast<std::string>();
    const auto first = text.find_first_not_of(" \t\r\n");
    isPath = first != std::string::npos && text[first] != '{' && text.find('\n') == std::string::npos;
  }
  if (isPath) {
    return workflow::readCardFile(pathString(card));
  }
  return onnx::ModelCard::fromJson(cardText(card));
}

// The steps of `podml card attach`: completed from the data model if data is given.
onnx::ModelCard completedCard(py::handle card, py::handle data, const std::string& dataModel) {
  auto c = cardFrom(card);
  std::shared_ptr<const DataModelDefinition> dm;
  if (!data.is_none()) {
    const std::string name = dataModel.empty() ? c.dataModel : dataModel;
    dm = dataModelFrom(data, name);
  }
  workflow::completeCard(c, dm.get());
  return c;
}

// What `podml check` reports: the card against the graph, then against the data.
std::vector<std::string> checkModelAgainst(const std::string& model, py::handle data, const std::string& dataModel) {
  auto info = readInfo(model);
  const std::string named =
      !dataModel.empty() ? dataModel : info.card ? workflow::requireCard(model, info, "check").dataModel : std::string();
  const auto models = dataModelsFrom(data, named);
  py::gil_scoped_release nogil;
  return workflow::checkModel(std::move(info), models, dataModel).problems;
}

py::array tensorArray(onnx::Tensor t) {
  auto owner = std::make_shared<onnx::Tensor>(std::move(t));
  const std::vector<py::ssize_t> shape(owner->shape.begin(), owner->shape.end());
  // The array is the tensor's only user: writeable, as any result NumPy computes.
  return bufferView(owner->dtype, shape, owner->data.data(), owner, true);
}

// The Session with what it refers to without owning: the data model it was bound to
// (also the definition of the collections run_and_write_back() creates).
struct SessionBox {
  std::shared_ptr<const DataModelDefinition> dataModel;
  std::unique_ptr<onnx::Session> session;
  std::string path;
  bool hasCard{false};
};

onnx::Tensor toTensor(const SessionBox& s, py::handle value, std::size_t i) {
  const py::array a = py::module_::import("numpy").attr("ascontiguousarray")(value);
  const auto dtype = dtypeFromNumpy(a.dtype());
  if (!dtype || *dtype == DType::ObjectID) {
    throw InferenceError("cannot run model '" + s.path + "': input " + std::to_string(i) + " has NumPy dtype '" +
                         py::str(a.dtype()).cast<std::string>() + "', which no ONNX tensor type matches");
  }
  onnx::Tensor t;
  t.dtype = *dtype;
  for (py::ssize_t k = 0; k < a.ndim(); ++k) {
    t.shape.push_back(a.shape(k));
  }
  t.data.resize(static_cast<std::size_t>(a.nbytes()));
  if (!t.data.empty()) {
    std::memcpy(t.data.data(), a.data(), t.data.size()); // the Tensor owns its bytes
  }
  return t;
}

std::map<std::string, std::string> stringMap(py::handle m) {
  return m.is_none() ? std::map<std::string, std::string>{} : m.cast<std::map<std::string, std::string>>();
}

} // namespace

void registerOnnx(py::module_& m) {
  m.def(
      "model_info", [](py::handle path) { return modelInfoDict(readInfo(pathString(path))); }, py::arg("path"),
      "What an ONNX model declares: ``{'path', 'ir_version', 'producer', 'opsets': {domain: version},\n"
      "'inputs'/'outputs': [{'name', 'type', 'dtype', 'shape'}], 'metadata': {key: value}, 'card': dict | None}``.\n"
      "Raises ModelError if the file is missing or not an ONNX model.");
  m.def(
      "read_card",
      [](py::handle path) {
        const auto info = readInfo(pathString(path));
        return info.card ? jsonLoads(*info.card) : py::object(py::none());
      },
      py::arg("path"), "The model card of an ONNX model as a dict, or None if it has none.");
  m.def(
      "complete_card",
      [](py::handle card, py::handle data, const std::string& dataModel) {
        return jsonLoads(completedCard(card, data, dataModel).toJson());
      },
      py::arg("card"), py::arg("data"), py::arg("data_model") = "",
      "The card (dict or JSON text) in canonical form, members completed with dtype, shape and unit\n"
      "and the hashes filled from ``data`` (a Reader, a podml file or a data model YAML). Raises\n"
      "DefinitionError for a malformed card or a type or member the data model lacks.");
  m.def(
      "attach_card",
      [](py::handle modelIn, py::handle card, py::handle modelOut, py::handle data, const std::string& dataModel) {
        const std::string in = pathString(modelIn), out = pathString(modelOut);
        // The card file and the data file are read by this call: never its output.
        std::vector<std::string> read;
        for (const py::handle h : {card, data}) {
          if (py::hasattr(h, "__fspath__") || (py::isinstance<py::str>(h) && h.cast<std::string>().find('\n') ==
                                                                                    std::string::npos)) {
            read.push_back(pathString(h));
          }
        }
        const auto c = completedCard(card, data, dataModel);
        py::gil_scoped_release nogil;
        workflow::attachCard(in, c, out, read);
      },
      py::arg("model_in"), py::arg("card"), py::arg("model_out"), py::arg("data") = py::none(),
      py::arg("data_model") = "",
      "Stores ``card`` (dict or JSON text) in ``model_in``'s metadata and writes ``model_out`` (may be the\n"
      "same file); the graph is untouched. With ``data`` (a Reader, a podml file or a data model YAML)\n"
      "members given as plain paths are completed from the data model, as ``podml card attach --data``\n"
      "does. Raises DefinitionError for a malformed card, ModelError if it does not fit the graph.");
  m.def(
      "check",
      [](py::handle model, py::handle data, const std::string& dataModel) {
        return checkModelAgainst(pathString(model), data, dataModel);
      },
      py::arg("model"), py::arg("data"), py::arg("data_model") = "",
      "Checks a model's card against its graph and against ``data`` (a Reader, a podml file or a data\n"
      "model YAML), as ``podml check`` does: one line per mismatch, ``[]`` if the model fits.\n"
      "Raises ModelError if the model has no card.");
  m.def(
      "read_card_file", [](py::handle path) { return jsonLoads(workflow::readCardFile(pathString(path)).toJson()); },
      py::arg("path"),
      "A model card file (YAML, or JSON for ``.json``) as a dict, read as ``podml card attach`` reads it.\n"
      "Raises DefinitionError naming the file (and line) for a malformed card.");
  m.def(
      "infer",
      [](py::handle model, py::handle inputs, py::handle output, const std::string& category,
         py::handle inputCollections, py::handle outputCollections, std::pair<uint64_t, uint64_t> shard,
         bool onlyScores, const std::string& onEmptyInput, int32_t algorithmType, int intraOpThreads,
         int interOpThreads, std::size_t eventsPerRun, bool lengthBuckets, py::object progress) {
        workflow::InferenceRequest rq;
        rq.model = pathString(model);
        rq.inputs = pathList(inputs);
        rq.output = pathString(output);
        rq.category = category;
        rq.inputCollections = stringMap(inputCollections);
        rq.outputCollections = stringMap(outputCollections);
        std::tie(rq.shardIndex, rq.shardCount) = shard;
        rq.onlyScores = onlyScores;
        if (onEmptyInput != "skip" && onEmptyInput != "fail") {
          throw UsageError("on_empty_input must be 'skip' or 'fail', got '" + onEmptyInput + "'");
        }
        rq.onEmptyInput = onEmptyInput == "fail" ? workflow::OnEmptyInput::Fail : workflow::OnEmptyInput::Skip;
        rq.algorithmType = algorithmType;
        rq.intraOpThreads = intraOpThreads;
        rq.interOpThreads = interOpThreads;
        rq.eventsPerRun = eventsPerRun;
        rq.lengthBuckets = lengthBuckets;
        workflow::InferenceSummary summary;
        {
          py::gil_scoped_release nogil;
          workflow::InferenceJob job(rq);
          const auto onProgress = [&](uint64_t done, uint64_t total) {
            if (!progress.is_none()) {
              py::gil_scoped_acquire gil;
              progress(done, total);
            }
          };
          const auto onWarn = [](const std::string& message) {
            py::gil_scoped_acquire gil;
            if (PyErr_WarnEx(PyExc_RuntimeWarning, message.c_str(), 1) != 0) {
              throw py::error_already_set(); // warnings turned into errors stop the run
            }
          };
          summary = job.run(onProgress, onWarn);
        }
        // The same document `podml infer --json` reports.
        return jsonLoads(json::dump(workflow::summaryJson(summary)));
      },
      py::arg("model"), py::arg("inputs"), py::arg("output"), py::kw_only(), py::arg("category") = "events",
      py::arg("input_collections") = py::none(), py::arg("output_collections") = py::none(),
      py::arg("shard") = std::pair<uint64_t, uint64_t>{0, 1}, py::arg("only_scores") = false,
      py::arg("on_empty_input") = "skip", py::arg("algorithm_type") = 0, py::arg("intra_op_threads") = 1,
      py::arg("inter_op_threads") = 1, py::arg("events_per_run") = 1, py::arg("length_buckets") = false,
      py::arg("progress") = py::none(),
      "Scores every event of ``inputs`` (paths or globs, one chain) with ``model`` and writes ``output``, as\n"
      "``podml infer`` does (the same library code): every input collection is kept next to the new ones,\n"
      "or only the scored ones with ``only_scores=True`` (relations into anything else are then stored as\n"
      "unset). ``shard=(i, n)`` scores share i of n. An event in which one input collection is empty while\n"
      "another has objects is written without scores with a RuntimeWarning (``on_empty_input='skip'``) or\n"
      "stops the run (``'fail'``). ``events_per_run=N`` batches N events into one ONNX Runtime call,\n"
      "``length_buckets=True`` groups their objects by constituent count (``podml infer --events-per-run``,\n"
      "``--length-buckets``). ``progress(done, total)`` is called after each event. Everything is\n"
      "checked before anything is written; the output appears only when the run succeeds. Returns\n"
      "``{'first', 'last', 'events', 'skipped_events', 'outputs': [{'output', 'collection', 'type', 'objects'}]}``.");
  m.def(
      "check_model",
      [](py::handle path) {
        const std::string p = pathString(path);
        py::gil_scoped_release nogil;
        return onnx::checkModel(p);
      },
      py::arg("path"), "Runs ONNX's own checker: ``''`` if the model passes, else the reason.");

  py::class_<SessionBox>(m, "Session",
                         "An ONNX model loaded into ONNX Runtime. With ``data`` its card is checked against\n"
                         "that data model and its inputs bound to collection columns, for run() and\n"
                         "run_and_write_back(); without, only run_tensors() is possible. Runs release the\n"
                         "GIL and may be called from several threads at once.")
      .def(py::init([](py::handle model, py::handle data, const std::string& dataModel, int intraOpThreads,
                       int interOpThreads, py::handle inputCollections, py::handle outputCollections,
                       py::handle binding, int32_t algorithmType) {
             auto box = std::make_unique<SessionBox>();
             box->path = pathString(model);
             onnx::SessionOptions opt;
             opt.intraOpThreads = intraOpThreads;
             opt.interOpThreads = interOpThreads;
             opt.inputCollections = stringMap(inputCollections);
             opt.outputCollections = stringMap(outputCollections);
             opt.algorithmType = algorithmType;
             if (!binding.is_none()) {
               opt.binding = onnx::ModelCard::fromJson(cardText(binding), "binding");
             }
             const auto info = readInfo(box->path);
             box->hasCard = info.card.has_value() || opt.binding.has_value();
             if (!data.is_none()) {
               // The data model the card names; a broken card is reported by the Session below.
               std::string name = dataModel;
               if (name.empty() && info.card) {
                 try {
                   name = onnx::ModelCard::fromJson(*info.card, box->path).dataModel;
                 } catch (const DefinitionError&) {
                 }
               } else if (name.empty() && opt.binding) {
                 name = opt.binding->dataModel;
               }
               box->dataModel = dataModelFrom(data, name);
             }
             py::gil_scoped_release nogil;
             box->session = box->dataModel ? std::make_unique<onnx::Session>(box->path, *box->dataModel, opt)
                                           : std::make_unique<onnx::Session>(box->path, opt);
             return box;
           }),
           py::arg("model"), py::arg("data") = py::none(), py::arg("data_model") = "", py::arg("intra_op_threads") = 1,
           py::arg("inter_op_threads") = 1, py::arg("input_collections") = py::none(),
           py::arg("output_collections") = py::none(), py::arg("binding") = py::none(), py::arg("algorithm_type") = 0)
      .def_readonly("path", &SessionBox::path, "The model file.")
      .def_property_readonly(
          "card",
          [](const SessionBox& s) {
            return s.hasCard ? jsonLoads(s.session->card().toJson()) : py::object(py::none());
          },
          "The card in use (the model's, or the binding) as a dict, or None.")
      .def_property_readonly(
          "info", [](const SessionBox& s) { return modelInfoDict(s.session->info()); },
          "What the model declares (as model_info()).")
      .def_property_readonly(
          "data_model",
          [](const SessionBox& s) {
            return s.dataModel ? py::object(py::str(s.dataModel->name)) : py::object(py::none());
          },
          "Name of the data model the inputs are bound to, or None.")
      .def_property_readonly(
          "input_names",
          [](const SessionBox& s) {
            std::vector<std::string> names;
            for (const auto& t : s.session->info().inputs) {
              names.push_back(t.name);
            }
            return names;
          },
          "Graph input names, in order.")
      .def_property_readonly(
          "output_names",
          [](const SessionBox& s) {
            std::vector<std::string> names;
            for (const auto& t : s.session->info().outputs) {
              names.push_back(t.name);
            }
            return names;
          },
          "Graph output names, in order.")
      .def(
          "run_tensors",
          [](const SessionBox& s, py::iterable inputs) {
            std::vector<onnx::Tensor> tensors;
            for (auto v : inputs) {
              tensors.push_back(toTensor(s, v, tensors.size()));
            }
            std::vector<onnx::Tensor> outs;
            {
              py::gil_scoped_release nogil;
              outs = s.session->runTensors(tensors);
            }
            py::list l;
            for (auto& t : outs) {
              l.append(tensorArray(std::move(t)));
            }
            return l;
          },
          py::arg("inputs"),
          "Runs the model on arrays given in graph input order (their dtypes must be the graph's);\n"
          "returns the outputs in graph output order. Raises InferenceError.")
      .def(
          "run",
          [](const SessionBox& s, const FrameBox& frame) {
            if (!s.dataModel) {
              throw UsageError("cannot run model '" + s.path +
                               "' on a frame: the Session was made without data "
                               "(pass data=<a Reader or podml file> to bind its inputs)");
            }
            onnx::EventResult result;
            {
              py::gil_scoped_release nogil;
              result = s.session->run(frame.frame);
            }
            py::dict d;
            for (std::size_t i = 0; i < result.names.size(); ++i) {
              d[py::str(result.names[i])] = tensorArray(std::move(result.tensors[i]));
            }
            return d;
          },
          py::arg("frame"),
          "Runs the model on the bound collections of ``frame``: ``{output name: ndarray}``, first axis =\n"
          "objects of the input collection. Raises InferenceError if a collection is missing.")
      .def(
          "run_and_write_back",
          [](const SessionBox& s, FrameBox& frame) {
            if (!s.dataModel) {
              throw UsageError("cannot run model '" + s.path +
                               "' on a frame: the Session was made without data "
                               "(pass data=<a Reader or podml file> to bind its inputs)");
            }
            std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>> made;
            {
              py::gil_scoped_release nogil;
              made = s.session->runAndWriteBack(frame.frame);
            }
            // The new collections may refer to the session's definition without owning it.
            frame.keepAlive.push_back(s.dataModel);
            std::vector<std::string> names;
            for (auto& [name, coll] : made) {
              frame.frame.put(std::move(coll), name);
              names.push_back(name);
            }
            return names;
          },
          py::arg("frame"),
          "Runs on ``frame`` and puts the new collections of each output with a target into it (one\n"
          "object per scored object or constituent, its relation pointing at it; one collection per\n"
          "class for per-class outputs); returns their names. Write the frame with a\n"
          "Writer to keep them.")
      .def("__repr__", [](const SessionBox& s) { return "Session('" + s.path + "')"; });
}

} // namespace podml::python
