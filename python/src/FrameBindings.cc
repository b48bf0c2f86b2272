// Frame and Collection: collections by name, their columns as NumPy views tied
// to the frame, relations as ObjectIDs, parameters as dicts.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/Exceptions.h"

#include <pybind11/stl.h>

namespace podml::python {

namespace {

std::string available(const Frame& f) {
  std::string s;
  for (const auto& n : f.getAvailableCollections()) {
    s += (s.empty() ? "" : ", ") + n;
  }
  return s.empty() ? "none" : s;
}

CollectionRef collectionRef(const std::shared_ptr<FrameBox>& box, const std::string& name) {
  const CollectionBase* c = box->frame.get(name);
  if (c == nullptr) {
    // The message of Frame::get<T>() for the same mistake.
    throw UsageError("cannot get collection '" + name + "': not in this frame (available: " + available(box->frame) +
                     ")");
  }
  return {box, c, name};
}

template <typename T>
py::dict parameterMap(const GenericParameters& p) {
  py::dict d;
  for (const auto& key : p.getKeys<T>()) {
    d[py::str(key)] = py::cast(*p.get<std::vector<T>>(key));
  }
  return d;
}

py::object parameter(const GenericParameters& p, const std::string& key) {
  if (auto v = p.get<std::vector<int>>(key)) {
    return py::cast(*v);
  }
  if (auto v = p.get<std::vector<float>>(key)) {
    return py::cast(*v);
  }
  if (auto v = p.get<std::vector<double>>(key)) {
    return py::cast(*v);
  }
  if (auto v = p.get<std::vector<std::string>>(key)) {
    return py::cast(*v);
  }
  return py::none();
}

// ObjectIDs are computed per call (relations are stored as handles or IDs): the
// vector is moved into the array's owner, so it is still not copied again.
py::array objectIDs(std::vector<ObjectID> ids) {
  auto owner = std::make_shared<std::vector<ObjectID>>(std::move(ids));
  return bufferView(DType::ObjectID, {static_cast<py::ssize_t>(owner->size())}, owner->data(), owner);
}

const Column& columnOf(const CollectionRef& c, const std::string& path) {
  return c.collection->column(path); // throws UsageError naming the path and type
}

} // namespace

void registerFrame(py::module_& m) {
  py::class_<CollectionRef>(m, "Collection",
                            "One collection of a Frame. Column arrays are read-only views of the frame's\n"
                            "memory (no copy) and keep the frame alive.")
      .def_readonly("name", &CollectionRef::name, "Name in the frame.")
      .def_property_readonly(
          "type", [](const CollectionRef& c) { return std::string(c.collection->getValueTypeName()); },
          "Value type, e.g. ``edm4hep::MCParticle``.")
      .def_property_readonly(
          "collection_type", [](const CollectionRef& c) { return std::string(c.collection->getTypeName()); },
          "Collection type, e.g. ``edm4hep::MCParticleCollection``.")
      .def_property_readonly(
          "data_model", [](const CollectionRef& c) { return std::string(c.collection->getDataModelName()); },
          "Data model name.")
      .def_property_readonly(
          "schema_version", [](const CollectionRef& c) { return c.collection->getSchemaVersion(); },
          "Schema version of the data model.")
      .def_property_readonly(
          "id", [](const CollectionRef& c) { return c.collection->getID(); }, "Collection ID.")
      .def_property_readonly(
          "subset", [](const CollectionRef& c) { return c.collection->isSubsetCollection(); },
          "Whether it only references objects of other collections.")
      .def(
          "__len__", [](const CollectionRef& c) { return c.collection->size(); }, "Number of objects.")
      .def(
          "columns",
          [](const CollectionRef& c) {
            std::vector<std::string> paths;
            if (!c.collection->isSubsetCollection()) {
              for (const auto& col : c.collection->definition().columns) {
                paths.push_back(col.path);
              }
            }
            return paths;
          },
          "The column paths, in storage order (none for a subset collection).")
      .def(
          "column",
          [](const CollectionRef& c, const std::string& path) {
            const Column& col = columnOf(c, path);
            return columnView(col, c.collection->definition().column(path)->shape, c.frame);
          },
          py::arg("path"),
          "Column ``path`` as a read-only array over the frame's memory: ``(objects,)`` for scalars,\n"
          "``(objects, N)`` for ``std::array<T, N>``; a vector member's values are ``(values,)`` with\n"
          "``<name>_begin``/``<name>_end`` per object. Raises UsageError for an unknown path.")
      .def(
          "relations",
          [](const CollectionRef& c) {
            std::vector<std::string> names;
            for (const auto& r : c.collection->definition().relations) {
              names.push_back(r.name);
            }
            return names;
          },
          "Names of the relations, one-to-one first.")
      .def(
          "relation_ids",
          [](const CollectionRef& c, const std::string& name) {
            const auto& rels = c.collection->definition().relations;
            for (std::size_t i = 0; i < rels.size(); ++i) {
              if (rels[i].name == name) {
                return objectIDs(c.collection->relationIDs(i));
              }
            }
            throw UsageError("cannot get relation '" + name + "' of collection '" + c.name +
                             "': " + std::string(c.collection->getValueTypeName()) + " has no such relation");
          },
          py::arg("name"),
          "Targets of relation ``name`` as a structured array with fields ``index`` and ``collectionID``:\n"
          "one per object (one-to-one) or the concatenated ranges (one-to-many, see ``<name>_begin``).")
      .def(
          "subset_ids", [](const CollectionRef& c) { return objectIDs(c.collection->subsetIDs()); },
          "The objects a subset collection references (fields ``index``, ``collectionID``).")
      .def(
          "_data_address",
          [](const CollectionRef& c, const std::string& path) {
            return reinterpret_cast<uintptr_t>(columnOf(c, path).rawData());
          },
          py::arg("path"), "Address of the column's memory in the C++ collection (for tests of zero-copy).")
      .def("__repr__", [](const CollectionRef& c) {
        return "Collection(name='" + c.name + "', type='" + std::string(c.collection->getValueTypeName()) +
               "', objects=" + std::to_string(c.collection->size()) + ")";
      });

  py::class_<FrameBox, std::shared_ptr<FrameBox>>(
      m, "Frame", "One event (or run, or metadata record): collections by name plus parameters.")
      .def_property_readonly(
          "collection_names", [](const FrameBox& f) { return f.frame.getAvailableCollections(); },
          "Names of the collections, sorted.")
      .def("__getitem__", &collectionRef, py::arg("name"),
           "The collection ``name``; raises UsageError (listing the available ones) if absent.")
      .def(
          "get",
          [](const std::shared_ptr<FrameBox>& f, const std::string& name) -> py::object {
            if (f->frame.get(name) == nullptr) {
              return py::none();
            }
            return py::cast(collectionRef(f, name));
          },
          py::arg("name"), "The collection ``name``, or None.")
      .def("__contains__", [](const FrameBox& f, const std::string& name) { return f.frame.get(name) != nullptr; })
      .def("__len__", [](const FrameBox& f) { return f.frame.getAvailableCollections().size(); })
      .def("__iter__", [](const FrameBox& f) { return py::iter(py::cast(f.frame.getAvailableCollections())); })
      .def_property_readonly(
          "parameters",
          [](const FrameBox& f) {
            const auto& p = f.frame.getParameters();
            py::dict d;
            d["int"] = parameterMap<int>(p);
            d["float"] = parameterMap<float>(p);
            d["double"] = parameterMap<double>(p);
            d["string"] = parameterMap<std::string>(p);
            return d;
          },
          "All parameters by element type: ``{'int': {key: [...]}, 'float': ..., 'double': ..., 'string': ...}``\n"
          "(as podio's GenericParameters and the file store them; a scalar is a list of one).")
      .def(
          "get_parameter",
          [](const FrameBox& f, const std::string& key) { return parameter(f.frame.getParameters(), key); },
          py::arg("key"), "The values stored under ``key`` as a list (int, float, double, then string), or None.")
      .def("__repr__", [](const FrameBox& f) { return "Frame(collections=[" + available(f.frame) + "])"; });
}

} // namespace podml::python
