// Events from NumPy arrays: podml.make_frame() and Writer.write_events() turn a dict of
// collections (one array per member path, counts per event, relations as indices) into
// frames through podml::workflow::EventBuilder, which checks everything first.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/Exceptions.h"
#include "podml/workflow/HepMCImport.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <climits>
#include <set>

namespace podml::python {

namespace {

void allowOnly(const py::dict& d, const std::set<std::string>& keys, const std::string& what) {
  for (const auto& kv : d) {
    const auto key = py::str(kv.first).cast<std::string>();
    if (keys.count(key) == 0) {
      std::string list;
      for (const auto& k : keys) {
        list += (list.empty() ? "'" : ", '") + k + "'";
      }
      throw UsageError(what + ": unknown key '" + key + "' (expected " + list + ")");
    }
  }
}

py::dict asDict(py::handle h, const std::string& what) {
  if (!py::isinstance<py::dict>(h)) {
    throw UsageError(what + " must be a dict, not " + py::str(py::type::of(h).attr("__name__")).cast<std::string>());
  }
  return py::reinterpret_borrow<py::dict>(h);
}

} // namespace

// Arrays the builder refers to: kept alive (and contiguous) as long as it is.
struct BuiltEvents {
  std::vector<py::array> keep;
  std::unique_ptr<workflow::EventBuilder> builder;
  std::vector<GenericParameters> parameters; // per event, or one for all, or none
  std::shared_ptr<const DataModelDefinition> dataModel;
};

namespace {

workflow::ArrayRef arrayRef(BuiltEvents& b, py::handle value, const std::string& what) {
  // np.ascontiguousarray copies only what is not C-contiguous already (docs/python.md).
  py::array a = py::module_::import("numpy").attr("ascontiguousarray")(value);
  const auto dtype = dtypeFromNumpy(a.dtype());
  if (!dtype || *dtype == DType::ObjectID) {
    throw UsageError(what + ": NumPy dtype '" + py::str(a.dtype()).cast<std::string>() + "' has no podml dtype");
  }
  workflow::ArrayRef r;
  r.dtype = *dtype;
  r.data = a.data();
  for (py::ssize_t k = 0; k < a.ndim(); ++k) {
    r.shape.push_back(static_cast<std::size_t>(a.shape(k)));
  }
  if (a.ndim() == 0) {
    throw UsageError(what + " must be an array, not a scalar");
  }
  b.keep.push_back(std::move(a));
  return r;
}

workflow::RelationArrays relationArrays(BuiltEvents& b, py::handle spec, const std::string& what) {
  const auto d = asDict(spec, what);
  allowOnly(d, {"collection", "index", "counts"}, what);
  if (!d.contains("collection") || !d.contains("index")) {
    throw UsageError(what + " needs 'collection' (the target) and 'index' (per target, into it)");
  }
  workflow::RelationArrays r;
  r.collection = py::str(d["collection"]).cast<std::string>();
  r.index = arrayRef(b, d["index"], what + ", 'index'");
  if (d.contains("counts")) {
    r.counts = arrayRef(b, d["counts"], what + ", 'counts'");
  }
  return r;
}

void setParameter(GenericParameters& p, const std::string& key, py::handle v, const std::string& what) {
  auto scalarKind = [](py::handle x) -> int { // 0 int, 1 double, 2 string, -1 other
    if (py::isinstance<py::bool_>(x)) {
      return -1;
    }
    if (py::isinstance<py::int_>(x)) {
      return 0;
    }
    if (py::isinstance<py::float_>(x)) {
      return 1;
    }
    if (py::isinstance<py::str>(x)) {
      return 2;
    }
    return -1;
  };
  auto toInt = [&](py::handle x) {
    const auto n = x.cast<long long>();
    if (n < INT_MIN || n > INT_MAX) {
      throw UsageError(what + ", parameter '" + key + "': " + std::to_string(n) +
                       " does not fit a 32-bit int (podio's parameters); store it as a string or a float");
    }
    return static_cast<int>(n);
  };
  const int kind = scalarKind(v);
  if (kind == 0) {
    p.set(key, toInt(v));
  } else if (kind == 1) {
    p.set(key, v.cast<double>());
  } else if (kind == 2) {
    p.set(key, v.cast<std::string>());
  } else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    const auto seq = py::reinterpret_borrow<py::sequence>(v);
    int k = seq.size() == 0 ? 2 : scalarKind(seq[0]);
    for (auto x : seq) {
      const int kx = scalarKind(x);
      k = (k == 0 && kx == 1) || (k == 1 && kx == 0) ? 1 : (kx == k ? k : -1);
    }
    if (k == 0) {
      std::vector<int> out;
      for (auto x : seq) {
        out.push_back(toInt(x));
      }
      p.set(key, std::move(out));
    } else if (k == 1) {
      p.set(key, seq.cast<std::vector<double>>());
    } else if (k == 2) {
      p.set(key, seq.cast<std::vector<std::string>>());
    } else {
      throw UsageError(what + ", parameter '" + key + "': a list must hold only ints, only floats or only strings");
    }
  } else {
    throw UsageError(what + ", parameter '" + key + "': parameters hold int, float, str or lists of one of them, not " +
                     py::str(py::type::of(v).attr("__name__")).cast<std::string>());
  }
}

GenericParameters parameterSet(py::handle d, const std::string& what) {
  GenericParameters p;
  for (const auto& kv : asDict(d, what)) {
    setParameter(p, py::str(kv.first).cast<std::string>(), kv.second, what);
  }
  return p;
}

} // namespace

std::shared_ptr<BuiltEvents> buildEvents(py::handle dataModel, py::handle collections, py::handle parameters) {
  auto b = std::make_shared<BuiltEvents>();
  if (py::isinstance<DataModelDefinition>(dataModel)) {
    b->dataModel = dataModel.cast<std::shared_ptr<DataModelDefinition>>();
  } else {
    b->dataModel = dataModelFrom(dataModel, "");
  }
  std::vector<std::pair<std::string, workflow::CollectionArrays>> colls;
  for (const auto& kv : asDict(collections, "collections")) {
    const auto name = py::str(kv.first).cast<std::string>();
    const std::string what = "collection '" + name + "'";
    const auto d = asDict(kv.second, what);
    allowOnly(d, {"type", "counts", "offsets", "members", "vectors", "relations", "subset_of", "index"}, what);
    if (!d.contains("type")) {
      throw UsageError(what + " needs 'type' (its datatype, e.g. 'edm4hep::MCParticle')");
    }
    workflow::CollectionArrays c;
    c.type = py::str(d["type"]).cast<std::string>();
    if (d.contains("counts")) {
      c.counts = arrayRef(*b, d["counts"], what + ", 'counts'");
    }
    if (d.contains("offsets")) {
      c.offsets = arrayRef(*b, d["offsets"], what + ", 'offsets'");
    }
    if (d.contains("members")) {
      for (const auto& m : asDict(d["members"], what + ", 'members'")) {
        const auto path = py::str(m.first).cast<std::string>();
        c.members[path] = arrayRef(*b, m.second, what + ", member '" + path + "'");
      }
    }
    if (d.contains("vectors")) {
      for (const auto& v : asDict(d["vectors"], what + ", 'vectors'")) {
        const auto vname = py::str(v.first).cast<std::string>();
        const std::string vw = what + ", vector member '" + vname + "'";
        const auto vd = asDict(v.second, vw);
        allowOnly(vd, {"values", "counts"}, vw);
        if (!vd.contains("values") || !vd.contains("counts")) {
          throw UsageError(vw + " needs 'values' (flat, over all objects) and 'counts' (values per object)");
        }
        workflow::VectorArrays va;
        va.counts = arrayRef(*b, vd["counts"], vw + ", 'counts'");
        if (py::isinstance<py::dict>(vd["values"])) { // a component: one array per leaf
          for (const auto& leaf : py::reinterpret_borrow<py::dict>(vd["values"])) {
            const auto path = py::str(leaf.first).cast<std::string>();
            va.values[path] = arrayRef(*b, leaf.second, vw + ", values '" + path + "'");
          }
        } else {
          va.values[vname] = arrayRef(*b, vd["values"], vw + ", 'values'");
        }
        c.vectors[vname] = std::move(va);
      }
    }
    if (d.contains("relations")) {
      for (const auto& r : asDict(d["relations"], what + ", 'relations'")) {
        const auto rname = py::str(r.first).cast<std::string>();
        c.relations[rname] = relationArrays(*b, r.second, what + ", relation '" + rname + "'");
      }
    }
    if (d.contains("subset_of") != d.contains("index")) {
      throw UsageError(what + ": a subset collection needs both 'subset_of' (the collection it refers into) and "
                              "'index' (per reference)");
    }
    if (d.contains("subset_of")) {
      workflow::RelationArrays s;
      s.collection = py::str(d["subset_of"]).cast<std::string>();
      s.index = arrayRef(*b, d["index"], what + ", 'index'");
      c.subset = std::move(s);
    }
    colls.emplace_back(name, std::move(c));
  }
  {
    py::gil_scoped_release nogil;
    b->builder = std::make_unique<workflow::EventBuilder>(b->dataModel, std::move(colls));
  }
  const uint64_t events = b->builder->events();
  if (py::isinstance<py::dict>(parameters)) {
    b->parameters.push_back(parameterSet(parameters, "parameters"));
  } else if (!parameters.is_none()) {
    const auto seq = py::reinterpret_borrow<py::sequence>(parameters);
    if (static_cast<uint64_t>(seq.size()) != events) {
      throw UsageError("parameters: " + std::to_string(seq.size()) + " dicts given for " + std::to_string(events) +
                       " events (give one per event, or one dict for all)");
    }
    for (std::size_t e = 0; e < seq.size(); ++e) {
      b->parameters.push_back(parameterSet(seq[e], "parameters of event " + std::to_string(e)));
    }
  }
  return b;
}

uint64_t builtEventCount(const BuiltEvents& b) { return b.builder->events(); }

Frame builtFrame(const BuiltEvents& b, uint64_t e) {
  Frame f = b.builder->frame(e);
  if (!b.parameters.empty()) {
    f.setParameters(b.parameters[b.parameters.size() == 1 ? 0 : e]);
  }
  return f;
}

void registerBuild(py::module_& m) {
  m.def(
      "data_model",
      [](py::handle source, const std::string& name) { return std::const_pointer_cast<DataModelDefinition>(dataModelFrom(source, name)); },
      py::arg("source"), py::arg("name") = "",
      "The data model ``name`` (the first if empty) from ``source``: a podml file (its stored definitions),\n"
      "a Reader, or a data model YAML (read as the model ``name``, else named after the file).");
  m.def(
      "import_hepmc",
      [](py::handle inputs, py::handle output, py::handle edm4hep, uint64_t maxEvents) {
        workflow::HepMCImportRequest rq;
        rq.inputs = pathList(inputs);
        rq.output = pathString(output);
        rq.maxEvents = maxEvents;
        std::shared_ptr<const DataModelDefinition> dm =
            py::isinstance<DataModelDefinition>(edm4hep) ? edm4hep.cast<std::shared_ptr<DataModelDefinition>>()
                                                         : dataModelFrom(edm4hep, "edm4hep");
        workflow::HepMCImportSummary s;
        {
          py::gil_scoped_release nogil;
          s = workflow::importHepMC(rq, dm);
        }
        py::dict d;
        d["events"] = s.events;
        d["particles"] = s.particles;
        d["files"] = s.files;
        return d;
      },
      py::arg("inputs"), py::arg("output"), py::arg("edm4hep"), py::arg("max_events") = 0,
      "Converts HepMC3 ASCII / HepMC2 files to EDM4hep MCParticles and EventHeader, as\n"
      "``podml import hepmc`` does (the same library code); ``edm4hep`` is EDM4hep's definition (a\n"
      "DataModel, its YAML, or a podml file holding it). Raises IoError naming the file and event for\n"
      "bad or truncated input, after writing the events before it. Returns ``{'events', 'particles',\n"
      "'files'}``.");
  m.def(
      "make_frame",
      [](py::handle dataModel, py::handle collections, py::handle parameters) {
        const auto b = buildEvents(dataModel, collections, parameters);
        if (b->builder->events() != 1) {
          throw UsageError("make_frame builds one event; the counts give " + std::to_string(b->builder->events()) +
                           " (use Writer.write_events for many)");
        }
        auto box = std::make_shared<FrameBox>();
        box->frame = builtFrame(*b, 0);
        box->keepAlive.push_back(b->dataModel); // generic collections refer to the definition
        return box;
      },
      py::arg("data_model"), py::arg("collections"), py::arg("parameters") = py::none(),
      "One event from NumPy arrays, as Writer.write_events takes them with counts of one entry\n"
      "(``'counts': [n]``); see docs/python.md.");
}

} // namespace podml::python
