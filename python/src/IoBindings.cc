// Reader, ColumnBatch, the collection/column/data model info classes, Writer and
// shard(): podml::io as Python sees it.
#include "Bindings.h"
#include "NumpyViews.h"

#include "podml/Exceptions.h"
#include "podml/io/Options.h"
#include "podml/io/Writer.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace podml::python {

namespace {

py::tuple shapeTuple(const std::vector<uint32_t>& shape) {
  py::tuple t(shape.size());
  for (std::size_t i = 0; i < shape.size(); ++i) {
    t[i] = shape[i];
  }
  return t;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) {
    s += (s.empty() ? "" : ", ") + i;
  }
  return s;
}

// A str is a path, not an iterable of one-letter paths.
std::vector<std::string> columnPaths(py::handle paths) {
  if (py::isinstance<py::str>(paths)) {
    return {paths.cast<std::string>()};
  }
  return paths.cast<std::vector<std::string>>();
}

// readColumns() treats {0, 0} as "all entries" and returns no columns for an empty
// range, so an empty range is answered here: the requested columns with no rows,
// typed from the collection's stored description.
std::shared_ptr<io::ColumnBatch> emptyBatch(io::Reader& reader, const std::string& category,
                                            const std::string& collection, const std::vector<std::string>& paths,
                                            uint64_t first) {
  const auto total = reader.getEntries(category);
  if (first > total) {
    throw UsageError("cannot read entries " + std::to_string(first) + ".." + std::to_string(first) + " of category '" +
                     category + "': it has " + std::to_string(total));
  }
  const auto infos = reader.collections(category);
  const auto it =
      std::find_if(infos.begin(), infos.end(), [&](const io::CollectionInfo& c) { return c.name == collection; });
  if (it == infos.end()) {
    throw UsageError("cannot read columns of '" + collection + "': not stored in category '" + category + "'");
  }
  if (it->subset) {
    throw UsageError("cannot read columns of '" + collection + "': it is a subset collection");
  }
  if (paths.empty()) {
    throw UsageError("cannot read columns of '" + collection + "': no column paths given");
  }
  auto batch = std::make_shared<io::ColumnBatch>();
  batch->paths = paths;
  batch->firstEntry = first;
  batch->offsets.push_back(0);
  for (const auto& p : paths) {
    const auto col =
        std::find_if(it->columns.begin(), it->columns.end(), [&](const io::ColumnInfo& c) { return c.path == p; });
    if (col == it->columns.end()) {
      throw UsageError("cannot read column '" + p + "' of '" + collection + "': " + it->type + " has no such column");
    }
    uint32_t width = 1;
    for (const auto d : col->shape) {
      width *= d;
    }
    batch->columns.emplace_back(col->dtype, width);
  }
  return batch;
}

std::size_t batchIndex(const io::ColumnBatch& b, const std::string& path) {
  const auto it = std::find(b.paths.begin(), b.paths.end(), path);
  if (it == b.paths.end()) {
    throw UsageError("cannot get column '" + path + "' of a column batch: it was not read (read: " + joined(b.paths) +
                     ")");
  }
  return static_cast<std::size_t>(it - b.paths.begin());
}

py::array batchColumn(const std::shared_ptr<io::ColumnBatch>& b, std::size_t k) {
  return columnView(b->columns[k], {}, b);
}

py::array batchOffsets(const std::shared_ptr<io::ColumnBatch>& b) {
  return bufferView(DType::UInt64, {static_cast<py::ssize_t>(b->offsets.size())}, b->offsets.data(), b);
}

py::array batchPresent(const std::shared_ptr<io::ColumnBatch>& b) {
  return bufferView(DType::Bool, {static_cast<py::ssize_t>(b->present.size())}, b->present.data(), b);
}

// Iterates over the frames of a category; holds the Python Reader so it stays open.
struct FrameIterator {
  py::object readerObject;
  ReaderBox* reader{nullptr};
  std::string category;
  std::vector<std::string> collections;
  std::size_t next{0};
  std::size_t end{0};
};

// Runs `f` on the open reader without the GIL and under the reader's lock (the
// lock is released before the GIL is taken back, so a thread waiting for the
// lock with the GIL held cannot deadlock with the one reading).
template <typename F>
auto locked(ReaderBox& r, F&& f) {
  py::gil_scoped_release nogil;
  std::lock_guard lock(r.mutex);
  return f(r.get());
}

std::shared_ptr<FrameBox> readFrame(ReaderBox& r, const std::string& category, std::size_t i,
                                    const std::vector<std::string>& collections) {
  auto box = std::make_shared<FrameBox>();
  box->frame = locked(r, [&](io::Reader& rd) { return rd.readFrame(category, i, collections); });
  return box;
}

// Writer plus the lock that serialises Python threads around it (the GIL is released while writing).
struct WriterBox {
  std::unique_ptr<io::Writer> writer;
  std::mutex mutex;
  std::string path;
};

} // namespace

io::Reader& ReaderBox::get() {
  if (!reader) {
    throw UsageError("cannot use the reader: it is closed");
  }
  return *reader;
}

std::string pathString(py::handle path) { return py::module_::import("os").attr("fspath")(path).cast<std::string>(); }

std::vector<std::string> pathList(py::handle paths) {
  if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__")) {
    return {pathString(paths)};
  }
  std::vector<std::string> out;
  for (auto p : paths) {
    out.push_back(pathString(p));
  }
  return out;
}

workflow::DataModels dataModelsFrom(py::handle source, const std::string& yamlName) {
  if (py::isinstance<ReaderBox>(source)) {
    return locked(source.cast<ReaderBox&>(), [](io::Reader& rd) { return workflow::dataModelsIn(rd); });
  }
  const std::string where = pathString(source);
  py::gil_scoped_release nogil;
  return workflow::dataModelsIn(where, yamlName);
}

std::shared_ptr<const DataModelDefinition> dataModelFrom(py::handle source, const std::string& name) {
  return dataModelsFrom(source, name).require(name);
}

void registerIo(py::module_& m) {
  m.def(
      "shard",
      [](uint64_t entries, uint64_t i, uint64_t n) {
        const auto r = io::EntryRange::shard(entries, i, n);
        return py::make_tuple(r.first, r.last);
      },
      py::arg("entries"), py::arg("i"), py::arg("n"),
      "Shard ``i`` of ``n`` of ``entries`` entries as ``(first, last)``: contiguous ranges whose sizes\n"
      "differ by at most one. Raises UsageError unless 0 <= i < n.");

  py::class_<io::ColumnInfo>(m, "ColumnInfo", "One stored column of a collection.")
      .def_readonly("path", &io::ColumnInfo::path, "Dotted column path, e.g. ``momentum.x``.")
      .def_property_readonly(
          "dtype", [](const io::ColumnInfo& c) { return std::string(dtypeName(c.dtype)); },
          "Element type name: ``float32``, ``int64``, ``bool``, ...")
      .def_property_readonly(
          "shape", [](const io::ColumnInfo& c) { return shapeTuple(c.shape); },
          "Per-row shape: ``()`` for scalars, ``(N,)`` for ``std::array<T, N>``.")
      .def_readonly("unit", &io::ColumnInfo::unit, "Unit from the data model, or ``''``.")
      .def_property_readonly(
          "kind", [](const io::ColumnInfo& c) { return columnKindName(c.kind); },
          "``member``, ``vector_value``, ``range_begin`` or ``range_end``.")
      .def_readonly("owner", &io::ColumnInfo::owner, "Top-level member, vector member or relation it belongs to.")
      .def("__repr__", [](const io::ColumnInfo& c) {
        return "ColumnInfo(path='" + c.path + "', dtype='" + std::string(dtypeName(c.dtype)) +
               "', shape=" + py::repr(shapeTuple(c.shape)).cast<std::string>() + ", unit='" + c.unit + "', kind='" +
               std::string(columnKindName(c.kind)) + "')";
      });

  py::class_<io::CollectionInfo>(m, "CollectionInfo", "A collection as stored in one category of the files.")
      .def_readonly("name", &io::CollectionInfo::name, "Collection name.")
      .def_readonly("type", &io::CollectionInfo::type, "Value type, e.g. ``edm4hep::MCParticle``.")
      .def_readonly("data_model", &io::CollectionInfo::dataModel, "Data model name.")
      .def_readonly("schema_version", &io::CollectionInfo::schemaVersion, "Schema version of the data model.")
      .def_readonly("collection_id", &io::CollectionInfo::collectionID, "Collection ID.")
      .def_readonly("subset", &io::CollectionInfo::subset, "Whether it only references objects of others.")
      .def_readonly("objects", &io::CollectionInfo::objects, "Objects (or references) over all entries.")
      .def_readonly("columns", &io::CollectionInfo::columns, "The stored columns (empty for subset collections).")
      .def(
          "column",
          [](const io::CollectionInfo& c, const std::string& path) {
            for (const auto& col : c.columns) {
              if (col.path == path) {
                return col;
              }
            }
            throw UsageError("cannot get column '" + path + "' of collection '" + c.name + "': " + c.type +
                             " has no such column");
          },
          py::arg("path"), "The column ``path``; raises UsageError if there is none.")
      .def("__repr__", [](const io::CollectionInfo& c) {
        return "CollectionInfo(name='" + c.name + "', type='" + c.type + "', objects=" + std::to_string(c.objects) +
               ", columns=" + std::to_string(c.columns.size()) + (c.subset ? ", subset=True)" : ")");
      });

  py::class_<DataModelDefinition, std::shared_ptr<DataModelDefinition>>(
      m, "DataModel", "A data model definition as stored in the files (podio-style JSON).")
      .def_readonly("name", &DataModelDefinition::name, "Model name, e.g. ``edm4hep``.")
      .def_readonly("schema_version", &DataModelDefinition::schemaVersion, "Schema version.")
      .def_readonly("hash", &DataModelDefinition::hash, "Content hash of the definition JSON (16 hex digits).")
      .def_readonly("upstream", &DataModelDefinition::upstream, "Names of the models this one extends.")
      .def_readonly("json", &DataModelDefinition::json, "The canonical podio-style JSON text.")
      .def_property_readonly(
          "datatypes",
          [](const DataModelDefinition& d) {
            std::vector<std::string> names;
            for (const auto& t : d.datatypes) {
              names.push_back(t.name);
            }
            return names;
          },
          "Names of the datatypes (and links).")
      .def(
          "definition", [](const DataModelDefinition& d) { return py::module_::import("json").attr("loads")(d.json); },
          "The definition JSON parsed into dicts and lists.")
      .def("__repr__", [](const DataModelDefinition& d) {
        return "DataModel(name='" + d.name + "', schema_version=" + std::to_string(d.schemaVersion) +
               ", datatypes=" + std::to_string(d.datatypes.size()) + ")";
      });

  py::class_<io::ColumnBatch, std::shared_ptr<io::ColumnBatch>>(
      m, "ColumnBatch",
      "Columns of one collection over a range of entries, as read by Reader.read_columns.\n\n"
      "Every array is a read-only view of the batch's own memory (no copy); it keeps the\n"
      "memory alive on its own, also after the batch and the reader are gone.")
      .def_readonly("paths", &io::ColumnBatch::paths, "The column paths, in the order requested.")
      .def_readonly("first_entry", &io::ColumnBatch::firstEntry, "First entry of the range over the chain of files.")
      .def_property_readonly(
          "entries", [](const io::ColumnBatch& b) { return b.offsets.size() - 1; }, "Number of entries read.")
      .def_property_readonly(
          "columns",
          [](const std::shared_ptr<io::ColumnBatch>& b) {
            py::dict d;
            for (std::size_t k = 0; k < b->paths.size(); ++k) {
              d[py::str(b->paths[k])] = batchColumn(b, k);
            }
            return d;
          },
          "``{path: ndarray}``: shape ``(rows,)`` for scalars, ``(rows, N)`` for arrays.")
      .def_property_readonly("offsets", &batchOffsets,
                             "``uint64`` array of ``entries + 1`` offsets: entry ``i`` owns rows\n"
                             "``offsets[i]:offsets[i + 1]``.")
      .def_property_readonly("present", &batchPresent,
                             "``bool`` array of ``entries``: False where an entry lacks the collection\n"
                             "(its rows are then none, as for an empty collection).")
      .def(
          "__getitem__",
          [](const std::shared_ptr<io::ColumnBatch>& b, const std::string& path) {
            return batchColumn(b, batchIndex(*b, path));
          },
          py::arg("path"), "The column ``path`` (a view, no copy).")
      .def("__contains__",
           [](const io::ColumnBatch& b, const std::string& path) {
             return std::find(b.paths.begin(), b.paths.end(), path) != b.paths.end();
           })
      .def(
          "__len__", [](const io::ColumnBatch& b) { return b.offsets.back(); }, "Number of rows.")
      .def(
          "entry",
          [](const std::shared_ptr<io::ColumnBatch>& b, std::size_t i) {
            if (i + 1 >= b->offsets.size()) {
              throw UsageError("cannot get entry " + std::to_string(i) + " of a column batch: it holds " +
                               std::to_string(b->offsets.size() - 1) + " entries");
            }
            const py::slice rows(static_cast<py::ssize_t>(b->offsets[i]), static_cast<py::ssize_t>(b->offsets[i + 1]),
                                 1);
            py::dict d;
            for (std::size_t k = 0; k < b->paths.size(); ++k) {
              d[py::str(b->paths[k])] = batchColumn(b, k)[rows];
            }
            return d;
          },
          py::arg("i"), "``{path: ndarray}`` of the rows of the ``i``-th entry of the batch (views, no copy).")
      .def(
          "_data_address",
          [](const io::ColumnBatch& b, const std::string& path) {
            return reinterpret_cast<uintptr_t>(b.columns[batchIndex(b, path)].rawData());
          },
          py::arg("path"), "Address of the column's memory in the C++ batch (for tests of zero-copy).")
      .def("__repr__", [](const io::ColumnBatch& b) {
        return "ColumnBatch(paths=[" + joined(b.paths) + "], entries=" + std::to_string(b.offsets.size() - 1) +
               ", rows=" + std::to_string(b.offsets.back()) + ")";
      });

  py::class_<FrameIterator>(m, "_FrameIterator")
      .def("__iter__", [](FrameIterator& it) -> FrameIterator& { return it; })
      .def("__next__", [](FrameIterator& it) {
        if (it.next >= it.end) {
          throw py::stop_iteration();
        }
        return readFrame(*it.reader, it.category, it.next++, it.collections);
      });

  py::class_<ReaderBox>(m, "Reader",
                        "Reads podml files as one chain of entries (podio's Reader interface).\n\n"
                        "``Reader(files)`` takes a path, a glob pattern or a list of them. File reads\n"
                        "release the GIL; calls from several threads are serialised.")
      .def(py::init([](py::handle files) {
             const auto list = pathList(files);
             auto box = std::make_unique<ReaderBox>();
             py::gil_scoped_release nogil;
             box->reader = io::makeReader(list);
             return box;
           }),
           py::arg("files"))
      .def_property_readonly(
          "files", [](ReaderBox& r) { return locked(r, [](io::Reader& rd) { return rd.files(); }); },
          "The files of the chain, globs expanded.")
      .def_property_readonly(
          "categories",
          [](ReaderBox& r) { return locked(r, [](io::Reader& rd) { return rd.getAvailableCategories(); }); },
          "Categories present in any file, sorted (``events``, ``runs``, ...).")
      .def_property_readonly(
          "format_version", [](ReaderBox& r) { return locked(r, [](io::Reader& rd) { return rd.formatVersion(); }); },
          "podml file format version of the first file.")
      .def_property_readonly(
          "closed", [](ReaderBox& r) { return !r.reader; }, "Whether close() was called.")
      .def(
          "entries",
          [](ReaderBox& r, const std::string& category) {
            return locked(r, [&](io::Reader& rd) { return rd.getEntries(category); });
          },
          py::arg("category") = "events", "Entries of ``category`` over all files (0 if absent).")
      .def(
          "collections",
          [](ReaderBox& r, const std::string& category) {
            return locked(r, [&](io::Reader& rd) { return rd.collections(category); });
          },
          py::arg("category") = "events", "The collections stored in ``category`` (a list of CollectionInfo).")
      .def(
          "data_models",
          [](ReaderBox& r) {
            const auto models = locked(r, [](io::Reader& rd) { return rd.dataModels(); });
            py::dict d;
            for (const auto& dm : models) {
              // The class is bound non-const; Python gets only read-only properties.
              d[py::str(dm->name)] = std::const_pointer_cast<DataModelDefinition>(dm);
            }
            return d;
          },
          "``{name: DataModel}`` of the data models stored in the files.")
      .def(
          "read_columns",
          [](ReaderBox& r, const std::string& collection, py::handle paths, const std::string& category, uint64_t first,
             std::optional<uint64_t> last) {
            const auto list = columnPaths(paths);
            return locked(r, [&](io::Reader& reader) {
              const uint64_t end = last ? *last : reader.getEntries(category);
              if (first == end) {
                return emptyBatch(reader, category, collection, list, first);
              }
              return std::make_shared<io::ColumnBatch>(reader.readColumns(category, collection, list, {first, end}));
            });
          },
          py::arg("collection"), py::arg("paths"), py::arg("category") = "events", py::arg("first") = 0,
          py::arg("last") = py::none(),
          "Reads columns ``paths`` (a path or a list) of ``collection`` for entries ``[first, last)``\n"
          "(``last=None``: to the end) with one read per column and file. Returns a ColumnBatch whose\n"
          "arrays are views of its memory (no copy). Raises UsageError for an unknown collection or\n"
          "column, or for per-object and per-vector-value columns mixed in one call.")
      .def(
          "read_frame",
          [](ReaderBox& r, std::size_t i, const std::string& category,
             std::optional<std::vector<std::string>> collections) {
            return readFrame(r, category, i, collections.value_or(std::vector<std::string>{}));
          },
          py::arg("i"), py::arg("category") = "events", py::arg("collections") = py::none(),
          "Entry ``i`` of ``category`` as a Frame, with all collections or only ``collections``.")
      .def(
          "read_next_frame",
          [](ReaderBox& r, const std::string& category) {
            auto box = std::make_shared<FrameBox>();
            box->frame = locked(r, [&](io::Reader& rd) { return rd.readNextFrame(category); });
            return box;
          },
          py::arg("category") = "events", "The entry after the last one read with read_next_frame (from 0).")
      .def(
          "frames",
          [](py::object self, const std::string& category, std::optional<std::vector<std::string>> collections,
             uint64_t first, std::optional<uint64_t> last) {
            auto& r = self.cast<ReaderBox&>();
            FrameIterator it;
            it.reader = &r;
            it.readerObject = std::move(self);
            it.category = category;
            it.collections = collections.value_or(std::vector<std::string>{});
            it.next = first;
            it.end = last ? *last : locked(r, [&](io::Reader& rd) { return rd.getEntries(category); });
            return it;
          },
          py::arg("category") = "events", py::arg("collections") = py::none(), py::arg("first") = 0,
          py::arg("last") = py::none(), "Iterates over the Frames of entries ``[first, last)`` of ``category``.")
      .def(
          "close",
          [](ReaderBox& r) {
            py::gil_scoped_release nogil;
            std::lock_guard lock(r.mutex);
            r.reader.reset();
          },
          "Closes the files. Arrays and frames read before stay valid.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](ReaderBox& r, py::args) {
             py::gil_scoped_release nogil;
             std::lock_guard lock(r.mutex);
             r.reader.reset();
           })
      .def("__repr__", [](ReaderBox& r) {
        py::gil_scoped_release nogil;
        std::lock_guard lock(r.mutex);
        return r.reader ? "Reader([" + joined(r.reader->files()) + "])" : std::string("Reader(closed)");
      });

  py::class_<WriterBox>(m, "Writer",
                        "Writes Frames to a podml file (podio's Writer interface). The file appears under\n"
                        "its name only when finish() succeeds; use it as a context manager.")
      .def(
          py::init([](py::handle path, const std::string& compression, std::size_t chunkRows, std::size_t flushEvents) {
            io::WriterOptions opt;
            opt.compression = io::parseCompression(compression, &opt.level);
            opt.chunkRows = chunkRows;
            opt.flushEvents = flushEvents;
            auto box = std::make_unique<WriterBox>();
            box->path = pathString(path);
            box->writer = std::make_unique<io::Writer>(box->path, opt);
            return box;
          }),
          py::arg("path"), py::arg("compression") = "none", py::arg("chunk_rows") = io::WriterOptions{}.chunkRows,
          py::arg("flush_events") = io::WriterOptions{}.flushEvents)
      .def(
          "write_frame",
          [](WriterBox& w, const FrameBox& frame, const std::string& category,
             std::optional<std::vector<std::string>> collections) {
            py::gil_scoped_release nogil;
            std::lock_guard lock(w.mutex);
            w.writer->writeFrame(frame.frame, category, collections.value_or(std::vector<std::string>{}));
          },
          py::arg("frame"), py::arg("category") = "events", py::arg("collections") = py::none(),
          "Appends ``frame`` to ``category``, with all its collections or only ``collections``.")
      .def(
          "finish",
          [](WriterBox& w) {
            py::gil_scoped_release nogil;
            std::lock_guard lock(w.mutex);
            w.writer->finish();
          },
          "Writes what is buffered and closes the file under its final name.")
      .def(
          "write_events",
          [](WriterBox& w, py::handle dataModel, py::handle collections, const std::string& category,
             py::handle parameters) {
            // Every array is checked before the first frame is written.
            const auto built = buildEvents(dataModel, collections, parameters);
            py::gil_scoped_release nogil;
            std::lock_guard lock(w.mutex);
            const uint64_t n = builtEventCount(*built);
            for (uint64_t e = 0; e < n; ++e) {
              w.writer->writeFrame(builtFrame(*built, e), category);
            }
            return n;
          },
          py::arg("data_model"), py::arg("collections"), py::arg("category") = "events",
          py::arg("parameters") = py::none(),
          "Writes events built from NumPy arrays: ``collections`` maps each collection name to\n"
          "``{'type': datatype, 'counts': objects per event (or 'offsets'), 'members': {path: array},\n"
          "'vectors': {name: {'values', 'counts'}}, 'relations': {name: {'collection', 'index'[, 'counts']}}}``\n"
          "or, for a subset collection, ``{'type', 'counts', 'subset_of', 'index'}``; indices count within\n"
          "each event's target collection (-1: unset). ``parameters``: one dict for every event, or one per\n"
          "event. Everything is checked before anything is written (UsageError naming the collection and\n"
          "member). Returns the number of events written. See docs/python.md.")
      .def(
          "abandon",
          [](WriterBox& w, bool keepTemporary) {
            py::gil_scoped_release nogil;
            std::lock_guard lock(w.mutex);
            w.writer->abandon(keepTemporary);
          },
          py::arg("keep_temporary") = true,
          "Stops without finishing: nothing is written under the final name; the temporary file\n"
          "(every frame flushed so far) is kept, or removed with ``keep_temporary=False``.")
      .def(
          "entries",
          [](WriterBox& w, const std::string& category) {
            py::gil_scoped_release nogil;
            std::lock_guard lock(w.mutex);
            return w.writer->entries(category);
          },
          py::arg("category") = "events", "Frames written so far to ``category``.")
      .def_readonly("path", &WriterBox::path, "The final file name.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](WriterBox& w, py::handle type, py::handle, py::handle) {
        // Only a block that ends without an exception finishes the file; otherwise it is
        // abandoned (the flushed frames stay in the temporary file, the final name untouched).
        py::gil_scoped_release nogil;
        std::lock_guard lock(w.mutex);
        if (type.is_none()) {
          w.writer->finish();
        } else {
          w.writer->abandon();
        }
      });
}

} // namespace podml::python
