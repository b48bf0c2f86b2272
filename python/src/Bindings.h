#pragma once
/// \file Bindings.h
/// What the binding translation units of the `_podml` extension share: the
/// objects that own the memory NumPy views point into, and the registration
/// functions Module.cc calls.

#include "podml/Definition.h"
#include "podml/Frame.h"
#include "podml/io/Reader.h"
#include "podml/workflow/DataModels.h"
#include "podml/workflow/EventArrays.h"

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace podml::python {

namespace py = pybind11;

/// A Frame as Python holds it. NumPy views of its columns keep it alive through a
/// shared_ptr; `keepAlive` holds what collections put in later point at without
/// owning (the definition a Session's write-back collections are built from).
struct FrameBox {
  Frame frame;
  std::vector<std::shared_ptr<const void>> keepAlive;
};

/// One collection of a Frame, by name; keeps the frame alive.
struct CollectionRef {
  std::shared_ptr<FrameBox> frame;
  const CollectionBase* collection{nullptr};
  std::string name;
};

/// A Reader as Python holds it. The GIL is released during reads, so two Python
/// threads could enter the (not thread-safe) Reader at once: `mutex` serialises them.
/// `reader` is null after close().
struct ReaderBox {
  std::unique_ptr<io::Reader> reader;
  std::mutex mutex;

  /// The open reader; throws UsageError after close().
  io::Reader& get();
};

/// A file system path from a str or os.PathLike.
std::string pathString(py::handle path);
/// Paths from one str/os.PathLike or an iterable of them.
std::vector<std::string> pathList(py::handle paths);

/// The data models of `source`: a Reader, a podml file (or glob) or a data model YAML
/// (read as the model `yamlName`, else named after the file).
workflow::DataModels dataModelsFrom(py::handle source, const std::string& yamlName);
/// The data model named `name` (the first if empty) from `source`. Throws
/// DefinitionError if it is not there.
std::shared_ptr<const DataModelDefinition> dataModelFrom(py::handle source, const std::string& name);

/// Registers Reader, ColumnBatch, the info classes, Writer and shard().
void registerIo(py::module_& m);
/// Registers Frame and Collection.
void registerFrame(py::module_& m);
/// Registers the model card functions and Session.
void registerOnnx(py::module_& m);
/// Registers read_training_spec() and labelled_rows().
void registerTrain(py::module_& m);
/// Registers data_model() and make_frame().
void registerBuild(py::module_& m);

/// Events built from a dict of NumPy arrays (docs/python.md), checked before any frame exists.
struct BuiltEvents;
/// Parses `collections` (and `parameters`: None, one dict, or one per event) against
/// `dataModel` (a DataModel, or a source for dataModelFrom). Throws UsageError.
std::shared_ptr<BuiltEvents> buildEvents(py::handle dataModel, py::handle collections, py::handle parameters);
/// Number of events of `b`.
uint64_t builtEventCount(const BuiltEvents& b);
/// Event `e` of `b`.
Frame builtFrame(const BuiltEvents& b, uint64_t e);

} // namespace podml::python
