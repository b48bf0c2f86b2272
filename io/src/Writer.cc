#include "podml/io/Writer.h"

#include "podml/io/Reader.h" // kFormatVersion

#include "H5.h"
#include "Layout.h"
#include "Parameters.h"

#include "podml/DataModelRegistry.h"
#include "podml/Json.h"
#include "podml/OutputPath.h"
#include "podml/Text.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <fcntl.h>
#include <unistd.h>

namespace podml::io {

Compression parseCompression(const std::string& text, int* level) {
  if (text == "none") {
    return Compression::None;
  }
  if (text == "lz4") {
    return Compression::Lz4;
  }
  if (text == "deflate" || text.starts_with("deflate:")) {
    if (text.size() > 8) {
      const std::string l = text.substr(8);
      if (l.size() != 1 || l[0] < '1' || l[0] > '9') {
        throw UsageError("cannot use compression '" + text + "': deflate level must be 1-9");
      }
      if (level != nullptr) {
        *level = l[0] - '0';
      }
    }
    return Compression::Deflate;
  }
  throw UsageError("cannot use compression '" + text + "': expected none, deflate[:1-9] or lz4");
}

namespace {

using h5::Hid;

constexpr unsigned kLz4Filter = 32004; // registered HDF5 filter ID of LZ4

// One extendible dataset plus the rows buffered for it.
class Sink {
public:
  Sink(hid_t parent, const std::string& name, DType dtype, std::vector<hsize_t> inner, const WriterOptions& opt,
       const std::string& file, const std::string& path)
      : m_parent(parent), m_name(name), m_dtype(dtype), m_inner(std::move(inner)), m_options(opt), m_file(file),
        m_path(path + "/" + name) {
    uint32_t width = 1;
    for (auto d : m_inner) {
      width *= static_cast<uint32_t>(d);
    }
    m_buffer = Column(dtype, width);
  }

  Column& buffer() { return m_buffer; }
  uint64_t rows() const { return m_written + m_buffer.size(); }

  // The dataset is created at the first flush, when the rows of the first block of
  // frames are known: a chunk is allocated whole, so a small file written with the
  // default 65536-row chunks would be mostly empty space. Chunks hold the first flush's
  // rows rounded up to a power of two, between kMinChunkRows and options.chunkRows.
  void create() {
    const auto& opt = m_options;
    const std::size_t maxRows = std::max<std::size_t>(1, opt.chunkRows);
    const std::size_t fit = std::bit_ceil(std::max<std::size_t>(m_buffer.size(), 1));
    const hsize_t rows = std::min(maxRows, std::max(fit, kMinChunkRows));
    const std::string& file = m_file;
    std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{rows};
    for (auto d : m_inner) {
      dims.push_back(d);
      maxdims.push_back(d);
      chunk.push_back(d);
    }
    Hid space = h5::checkId(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                            "cannot create dataspace", file, m_path);
    Hid dcpl = h5::checkId(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list", file, m_path);
    h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking", file, m_path);
    if (opt.compression != Compression::None) {
      if (opt.shuffle) {
        H5Pset_shuffle(dcpl.get());
      }
      if (opt.compression == Compression::Lz4) {
        h5::check(H5Pset_filter(dcpl.get(), kLz4Filter, H5Z_FLAG_MANDATORY, 0, nullptr), "cannot set LZ4 filter", file,
                  m_path);
      } else {
        h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(std::clamp(opt.level, 1, 9))),
                  "cannot set deflate filter", file, m_path);
      }
    }
    // Filtered chunks are compressed when they leave the chunk cache; a flush fills a chunk
    // only partly, so the cache must hold whole chunks or the next flush reads the chunk
    // back and decompresses it before adding rows. Room for two chunks per dataset.
    Hid dapl = h5::checkId(H5Pcreate(H5P_DATASET_ACCESS), "cannot create property list", file, m_path);
    if (opt.compression != Compression::None) {
      std::size_t chunkBytes = dtypeSize(m_dtype);
      for (auto c : chunk) {
        chunkBytes *= c;
      }
      H5Pset_chunk_cache(dapl.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, std::max<std::size_t>(1u << 20, 2 * chunkBytes),
                         H5D_CHUNK_CACHE_W0_DEFAULT);
    }
    m_ds = h5::checkId(H5Dcreate2(m_parent, m_name.c_str(), h5::nativeType(m_dtype), space.get(), H5P_DEFAULT,
                                  dcpl.get(), dapl.get()),
                       "cannot create dataset", file, m_path);
  }

  /// Writes the buffered rows; creates the dataset first if needed, even without rows,
  /// so that every flushed file holds every dataset its layout names.
  void flush() {
    if (!m_ds.valid()) {
      create();
    }
    const hsize_t n = m_buffer.size();
    if (n == 0) {
      return;
    }
    std::vector<hsize_t> dims{m_written + n}, start{m_written}, count{n};
    for (auto d : m_inner) {
      dims.push_back(d);
      start.push_back(0);
      count.push_back(d);
    }
    h5::check(H5Dset_extent(m_ds.get(), dims.data()), "cannot extend dataset", m_file, m_path);
    Hid fspace = h5::checkId(H5Dget_space(m_ds.get()), "cannot get dataspace", m_file, m_path);
    h5::check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              "cannot select rows", m_file, m_path);
    Hid mspace = h5::checkId(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                             "cannot create dataspace", m_file, m_path);
    h5::check(H5Dwrite(m_ds.get(), h5::nativeType(m_dtype), mspace.get(), fspace.get(), H5P_DEFAULT,
                       m_buffer.rawData()),
              "cannot write rows", m_file, m_path);
    m_written += n;
    m_buffer.clear();
  }

private:
  static constexpr std::size_t kMinChunkRows = 1024;

  hid_t m_parent;
  std::string m_name;
  DType m_dtype;
  std::vector<hsize_t> m_inner;
  WriterOptions m_options;
  std::string m_file;
  std::string m_path;
  Hid m_ds;
  Column m_buffer;
  uint64_t m_written{0};
};

// Everything written for one collection name in one category.
struct CollectionSink {
  struct Ragged {
    std::string owner;
    std::size_t beginCol{0}, endCol{0};
    std::vector<std::size_t> valueCols; // vector member leaf columns (empty for relations)
    int relation{-1};                   // relation index for one-to-many relations
    std::unique_ptr<Sink> offsets;
    uint64_t values{0};
  };

  std::string type;
  bool subset{false};
  const DatatypeDef* def{nullptr};
  Hid group;
  std::unique_ptr<Sink> present, offsets;
  std::vector<std::unique_ptr<Sink>> columns; // by definition column index; null for value-less slots
  std::vector<Ragged> ragged;
  std::vector<std::unique_ptr<Sink>> relIndex, relCollection; // by relation index
  std::unique_ptr<Sink> subsetIndex, subsetCollection;
  uint64_t rows{0};
  std::vector<uint32_t> scratchBegin, scratchEnd;

  std::vector<Sink*> all() {
    std::vector<Sink*> out{present.get(), offsets.get(), subsetIndex.get(), subsetCollection.get()};
    for (auto* v : {&columns, &relIndex, &relCollection}) {
      for (auto& s : *v) {
        out.push_back(s.get());
      }
    }
    for (auto& r : ragged) {
      out.push_back(r.offsets.get());
    }
    return out;
  }
};

struct CategorySink {
  Hid group;
  uint64_t entries{0};
  uint64_t buffered{0};
  std::map<std::string, CollectionSink> collections;
  // Parameters: each entry's JSON document, concatenated as bytes, plus byte offsets.
  std::unique_ptr<Sink> parameters, parameterOffsets;
  uint64_t parameterBytes{0};
};

// `written`: the sorted IDs of the collections written with this frame. A reference to any
// other collection would dangle in the file (its target is not there), so it is stored as an
// unset relation is ({invalid, invalid}, as podio writes one): it reads back as an empty handle.
void pushIDs(Sink& index, Sink& coll, const std::vector<ObjectID>& ids, const std::vector<uint32_t>& written) {
  for (const auto& id : ids) {
    const bool dangling = id.index >= 0 && !std::binary_search(written.begin(), written.end(), id.collectionID);
    index.buffer().push_back<int32_t>(dangling ? ObjectID::invalid : id.index);
    coll.buffer().push_back<uint32_t>(dangling ? static_cast<uint32_t>(ObjectID::invalid) : id.collectionID);
  }
}

// Points the POSIX descriptor under an open HDF5 file (the default sec2 driver) at
// /dev/null, so that whatever HDF5 still writes cannot fail.
void discardFurtherWrites(hid_t file) noexcept {
  Hid fapl(H5Fget_access_plist(file));
  if (!fapl.valid() || H5Pget_driver(fapl.get()) != H5FD_SEC2) {
    return;
  }
  void* handle = nullptr;
  if (H5Fget_vfd_handle(file, fapl.get(), &handle) < 0 || handle == nullptr) {
    return;
  }
  const int fd = *static_cast<int*>(handle);
  const int sink = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (sink >= 0) {
    ::dup2(sink, fd);
    ::close(sink);
  }
}

} // namespace

struct Writer::Impl {
  /// IDs of the collections of the frame being written (sorted), for pushIDs().
  std::vector<uint32_t> writtenIDs;
  std::string filename;
  std::string tmpName;
  WriterOptions options;
  Hid file;
  bool finished{false};
  bool flushedFrames{false}; // the temporary file holds at least one frame
  bool writeFailed{false};   // a write to the file failed: its HDF5 metadata cannot be trusted
  std::map<std::string, CategorySink> categories;
  std::map<std::string, std::string> models; // name -> definition JSON
  bool modelsWritten{false};                  // root attributes and definitions up to date
  Hid definitions;

  Impl(const std::string& name, const WriterOptions& opt) : filename(name), options(opt) {
    // Before anything is created beside it: never a device, a directory or an empty name.
    checkOutputPath(name, {}, "events file");
    // Datasets are created at the first flush; an unavailable filter must fail now.
    if (opt.compression == Compression::Lz4 && H5Zfilter_avail(kLz4Filter) <= 0) {
      throw UsageError("cannot write with lz4 compression: HDF5's LZ4 filter plugin is not installed "
                       "(Debian: hdf5-filter-plugin); use deflate or none (" + name + ")");
    }
    h5::silenceErrors();
    tmpName = filename + ".podml-tmp-" + std::to_string(::getpid());
    Hid fcpl = h5::checkId(H5Pcreate(H5P_FILE_CREATE), "cannot create property list", filename);
    H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED);
    file = h5::checkId(H5Fcreate(tmpName.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT),
                       "cannot create '" + filename + "'", tmpName);
  }

  void addModel(const DataModelDefinition& dm) {
    if (models.count(dm.name) != 0) {
      return;
    }
    for (const auto& up : dm.upstream) {
      const auto* u = DataModelRegistry::instance().find(up);
      if (u == nullptr) {
        throw UsageError("cannot write data model '" + dm.name + "': its upstream model '" + up +
                         "' is not known to this program (" + filename + ")");
      }
      addModel(*u);
    }
    models[dm.name] = dm.json;
    modelsWritten = false;
  }

  CategorySink& category(const std::string& name) {
    auto it = categories.find(name);
    if (it != categories.end()) {
      return it->second;
    }
    if (const auto problem = collectionNameProblem(name); !problem.empty()) {
      throw UsageError("cannot write category '" + name + "': " + problem + " (" + filename + ")");
    }
    if (name == layout::kDataModels) {
      throw UsageError("cannot write category '" + name + "': the name is reserved for the data models (" + filename +
                       ")");
    }
    CategorySink& c = categories[name];
    c.group = h5::checkId(H5Gcreate2(file.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          "cannot create group", filename, name);
    // Parameters: one JSON document per entry, as bytes with offsets (no variable-length data).
    c.parameters = std::make_unique<Sink>(c.group.get(), layout::kParameters, DType::UInt8, std::vector<hsize_t>{},
                                          options, filename, name);
    c.parameterOffsets = std::make_unique<Sink>(c.group.get(), layout::kParameterOffsets, DType::UInt64,
                                                std::vector<hsize_t>{}, options, filename, name);
    c.parameterOffsets->buffer().push_back<uint64_t>(0);
    return c;
  }

  CollectionSink& collection(CategorySink& cat, const std::string& catName, const std::string& name,
                             const CollectionBase& coll) {
    auto it = cat.collections.find(name);
    if (it != cat.collections.end()) {
      if (it->second.type != coll.getValueTypeName() || it->second.subset != coll.isSubsetCollection()) {
        throw UsageError("cannot write collection '" + name + "' to category '" + catName + "': it holds " +
                         std::string(coll.getValueTypeName()) + (coll.isSubsetCollection() ? " references" : "") +
                         " but earlier entries hold " + it->second.type + (it->second.subset ? " references" : "") +
                         " (" + filename + ")");
      }
      return it->second;
    }
    if (const auto problem = collectionNameProblem(name); !problem.empty()) {
      throw UsageError("cannot write collection '" + name + "': " + problem + " (" + filename + ")");
    }
    if (name == layout::kParameters || name == layout::kParameterOffsets) {
      throw UsageError("cannot write collection '" + name + "': the name is reserved for the frame parameters (" +
                       filename + ")");
    }
    addModel(coll.dataModelDefinition());
    const std::string path = catName + "/" + name;
    CollectionSink& s = cat.collections[name];
    s.type = std::string(coll.getValueTypeName());
    s.subset = coll.isSubsetCollection();
    s.def = &coll.definition();
    s.group = h5::checkId(H5Gcreate2(cat.group.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          "cannot create group", filename, path);
    const hid_t g = s.group.get();
    h5::writeAttr(g, layout::kTypeAttr, s.type, filename);
    h5::writeAttr(g, layout::kCollectionTypeAttr, std::string(coll.getTypeName()), filename);
    h5::writeAttr(g, layout::kDataModelAttr, std::string(coll.getDataModelName()), filename);
    h5::writeAttr(g, layout::kSchemaVersionAttr, uint64_t{coll.getSchemaVersion()}, filename);
    h5::writeAttr(g, layout::kCollectionIDAttr, uint64_t{coll.getID()}, filename);
    h5::writeAttr(g, layout::kSubsetAttr, uint64_t{s.subset ? 1u : 0u}, filename);
    h5::writeAttr(g, layout::kTypeHashAttr, s.def->hash, filename);
    s.present = std::make_unique<Sink>(g, layout::kPresent, DType::UInt8, std::vector<hsize_t>{}, options, filename, path);
    s.offsets = std::make_unique<Sink>(g, layout::kOffsets, DType::UInt64, std::vector<hsize_t>{}, options, filename, path);
    s.offsets->buffer().push_back<uint64_t>(0);
    // Entries written before this collection first appeared: absent.
    for (uint64_t e = 0; e < cat.entries; ++e) {
      s.present->buffer().push_back<uint8_t>(0);
      s.offsets->buffer().push_back<uint64_t>(0);
    }
    if (s.subset) {
      s.subsetIndex = std::make_unique<Sink>(g, layout::relationIndex(layout::kSubsetName), DType::Int32,
                                             std::vector<hsize_t>{}, options, filename, path);
      s.subsetCollection = std::make_unique<Sink>(g, layout::relationCollection(layout::kSubsetName), DType::UInt32,
                                                  std::vector<hsize_t>{}, options, filename, path);
      return s;
    }
    const auto& def = *s.def;
    s.columns.resize(def.columns.size());
    for (std::size_t k = 0; k < def.columns.size(); ++k) {
      const auto& c = def.columns[k];
      std::vector<hsize_t> inner(c.shape.begin(), c.shape.end());
      s.columns[k] = std::make_unique<Sink>(g, c.path, c.dtype, inner, options, filename, path);
    }
    auto addRagged = [&](const std::string& owner, int relation) {
      CollectionSink::Ragged r;
      r.owner = owner;
      r.relation = relation;
      for (std::size_t k = 0; k < def.columns.size(); ++k) {
        const auto& c = def.columns[k];
        if (c.owner != owner) {
          continue;
        }
        if (c.kind == ColumnKind::RangeBegin) {
          r.beginCol = k;
        } else if (c.kind == ColumnKind::RangeEnd) {
          r.endCol = k;
        } else if (c.kind == ColumnKind::VectorValue) {
          r.valueCols.push_back(k);
        }
      }
      r.offsets = std::make_unique<Sink>(g, layout::raggedOffsets(owner), DType::UInt64, std::vector<hsize_t>{}, options,
                                         filename, path);
      r.offsets->buffer().push_back<uint64_t>(0);
      for (uint64_t e = 0; e < cat.entries; ++e) {
        r.offsets->buffer().push_back<uint64_t>(0);
      }
      s.ragged.push_back(std::move(r));
    };
    for (const auto& v : def.vectorMembers) {
      addRagged(v.name, -1);
    }
    s.relIndex.resize(def.relations.size());
    s.relCollection.resize(def.relations.size());
    for (std::size_t r = 0; r < def.relations.size(); ++r) {
      const auto& rel = def.relations[r];
      s.relIndex[r] = std::make_unique<Sink>(g, layout::relationIndex(rel.name), DType::Int32, std::vector<hsize_t>{},
                                             options, filename, path);
      s.relCollection[r] = std::make_unique<Sink>(g, layout::relationCollection(rel.name), DType::UInt32,
                                                  std::vector<hsize_t>{}, options, filename, path);
      if (rel.many) {
        addRagged(rel.name, static_cast<int>(r));
      }
    }
    return s;
  }

  // Appends one collection of one entry; values of each object are written
  // contiguously in object order, so the stored ranges are compact.
  void append(CollectionSink& s, const CollectionBase& coll, const std::string& name) {
    const std::size_t n = coll.size();
    if (s.subset) {
      pushIDs(*s.subsetIndex, *s.subsetCollection, coll.subsetIDs(), writtenIDs);
    } else {
      const auto cols = coll.columns();
      const auto& def = *s.def;
      if (cols.size() != def.columns.size()) {
        throw UsageError("cannot write collection '" + name + "': it has " + std::to_string(cols.size()) +
                         " columns, its definition " + std::to_string(def.columns.size()));
      }
      for (std::size_t k = 0; k < def.columns.size(); ++k) {
        if (def.columns[k].kind == ColumnKind::Member) {
          s.columns[k]->buffer().appendRows(cols[k], 0, n);
        }
      }
      for (auto& r : s.ragged) {
        const auto* b = cols[r.beginCol].data<uint32_t>();
        const auto* e = cols[r.endCol].data<uint32_t>();
        auto& nb = s.scratchBegin;
        auto& ne = s.scratchEnd;
        nb.resize(n);
        ne.resize(n);
        uint32_t cum = 0;
        bool contiguous = true;
        for (std::size_t i = 0; i < n; ++i) {
          if (e[i] < b[i]) {
            throw UsageError("cannot write collection '" + name + "': object " + std::to_string(i) + " has a bad range for '" +
                             r.owner + "'");
          }
          contiguous = contiguous && (i == 0 || b[i] == e[i - 1]);
          nb[i] = cum;
          cum += e[i] - b[i];
          ne[i] = cum;
        }
        for (std::size_t k : r.valueCols) {
          if (contiguous && n > 0) {
            s.columns[k]->buffer().appendRows(cols[k], b[0], cum);
          } else {
            for (std::size_t i = 0; i < n; ++i) {
              s.columns[k]->buffer().appendRows(cols[k], b[i], e[i] - b[i]);
            }
          }
        }
        s.columns[r.beginCol]->buffer().reserve(s.columns[r.beginCol]->buffer().size() + n);
        s.columns[r.endCol]->buffer().reserve(s.columns[r.endCol]->buffer().size() + n);
        for (std::size_t i = 0; i < n; ++i) {
          s.columns[r.beginCol]->buffer().push_back<uint32_t>(nb[i]);
          s.columns[r.endCol]->buffer().push_back<uint32_t>(ne[i]);
        }
        r.values += cum;
        r.offsets->buffer().push_back<uint64_t>(r.values);
        if (r.relation >= 0) {
          const auto ids = coll.relationIDs(static_cast<std::size_t>(r.relation));
          if (ids.size() != cum) {
            throw UsageError("cannot write collection '" + name + "': relation '" + r.owner + "' has " +
                             std::to_string(ids.size()) + " targets for ranges covering " + std::to_string(cum));
          }
          pushIDs(*s.relIndex[static_cast<std::size_t>(r.relation)], *s.relCollection[static_cast<std::size_t>(r.relation)],
                  ids, writtenIDs);
        }
      }
      for (std::size_t r = 0; r < def.relations.size(); ++r) {
        if (!def.relations[r].many) {
          pushIDs(*s.relIndex[r], *s.relCollection[r], coll.relationIDs(r), writtenIDs);
        }
      }
    }
    s.rows += n;
    s.offsets->buffer().push_back<uint64_t>(s.rows);
    s.present->buffer().push_back<uint8_t>(1);
  }

  void appendAbsent(CollectionSink& s) {
    s.offsets->buffer().push_back<uint64_t>(s.rows);
    s.present->buffer().push_back<uint8_t>(0);
    for (auto& r : s.ragged) {
      r.offsets->buffer().push_back<uint64_t>(r.values);
    }
  }

  void flush(CategorySink& cat) {
    for (auto& [name, s] : cat.collections) {
      for (Sink* sink : s.all()) {
        if (sink != nullptr) {
          sink->flush();
        }
      }
    }
    cat.parameters->flush();
    cat.parameterOffsets->flush();
    h5::writeAttr(cat.group.get(), layout::kEntriesAttr, cat.entries, filename);
    flushedFrames = flushedFrames || cat.buffered > 0;
    cat.buffered = 0;
    // After every flush the temporary file describes itself completely, so the frames
    // flushed before a crash can be read from it (HDF5 1.10 gives no guarantee for a
    // crash in the middle of a write, hence the temporary name).
    writeRootAttributes();
    h5::check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush", filename);
  }

  // Rewritten only when a new data model appeared since the last flush.
  void writeRootAttributes() {
    if (modelsWritten) {
      return;
    }
    json::Value all = json::Value::object();
    for (const auto& [name, text] : models) {
      all.set(name, json::parse(text, "data model definition"));
    }
    h5::writeAttr(file.get(), layout::kFormatVersionAttr, uint64_t{kFormatVersion}, filename);
    h5::writeAttr(file.get(), layout::kProducerAttr, std::string("podml " PODML_VERSION_STRING), filename);
    writeDefinitions(json::dump(all));
    modelsWritten = true;
  }

  // The definitions are a byte dataset rewritten whole: they grow as new types appear.
  void writeDefinitions(const std::string& text) {
    const std::string path = std::string("/") + layout::kDataModels;
    if (!definitions.valid()) {
      hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = 65536;
      Hid space = h5::checkId(H5Screate_simple(1, &dims, &maxdims), "cannot create dataspace", filename, path);
      Hid dcpl = h5::checkId(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list", filename, path);
      H5Pset_chunk(dcpl.get(), 1, &chunk);
      definitions = h5::checkId(H5Dcreate2(file.get(), layout::kDataModels, H5T_NATIVE_UINT8, space.get(), H5P_DEFAULT,
                                           dcpl.get(), H5P_DEFAULT),
                                "cannot create dataset", filename, path);
    }
    const hsize_t n = text.size();
    h5::check(H5Dset_extent(definitions.get(), &n), "cannot extend dataset", filename, path);
    if (n == 0) {
      return;
    }
    Hid fspace = h5::checkId(H5Dget_space(definitions.get()), "cannot get dataspace", filename, path);
    Hid mspace = h5::checkId(H5Screate_simple(1, &n, nullptr), "cannot create dataspace", filename, path);
    h5::check(H5Dwrite(definitions.get(), H5T_NATIVE_UINT8, mspace.get(), fspace.get(), H5P_DEFAULT, text.data()),
              "cannot write data model definitions", filename, path);
  }
};

Writer::Writer(const std::string& filename, const WriterOptions& options)
    : m_impl(std::make_unique<Impl>(filename, options)) {}

Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;

Writer::~Writer() {
  if (m_impl) {
    abandon();
  }
}

void Writer::abandon(bool keepTemporary) noexcept {
  auto& im = *m_impl;
  if (im.finished) {
    return;
  }
  im.finished = true;
  // After a failed write (typically a full disk) HDF5's metadata is half written, so the
  // file is lost anyway. Closing it still flushes the chunk caches and the metadata; if
  // that fails too, libhdf5 1.10 keeps the file open and crashes closing it again in its
  // exit handler. So the file's descriptor is pointed at /dev/null first: the close then
  // writes there and succeeds (a full disk and a file size limit alike), and the temporary
  // file is removed.
  const bool discard = im.writeFailed || !keepTemporary || !im.flushedFrames; // nothing to recover without frames
  if (im.writeFailed && im.file.valid()) {
    discardFurtherWrites(im.file.get());
    // A flush that failed half-way leaves entries HDF5 still holds dirty; one more flush
    // (into /dev/null, whatever it returns) settles them, so that the close can finish.
    H5Fflush(im.file.get(), H5F_SCOPE_GLOBAL);
  }
  im.categories.clear(); // datasets, groups and then the file
  im.definitions = Hid();
  im.file = Hid();
  if (discard) {
    std::error_code ec;
    std::filesystem::remove(im.tmpName, ec);
  }
}

void Writer::writeFrame(const Frame& frame, const std::string& category, const std::vector<std::string>& collections) {
  auto& im = *m_impl;
  if (im.finished) {
    throw UsageError("cannot write to '" + im.filename + "': the writer is finished");
  }
  const std::vector<std::string> names = collections.empty() ? frame.getAvailableCollections() : collections;
  std::vector<const CollectionBase*> colls;
  for (const auto& n : names) {
    const auto* c = frame.get(n);
    if (c == nullptr) {
      throw UsageError("cannot write collection '" + n + "' to '" + im.filename + "': it is not in the frame");
    }
    colls.push_back(c);
  }
  im.writtenIDs.clear();
  for (const auto* c : colls) {
    im.writtenIDs.push_back(c->getID());
  }
  std::sort(im.writtenIDs.begin(), im.writtenIDs.end());
  auto& cat = im.category(category);
  std::vector<CollectionSink*> sinks;
  for (std::size_t i = 0; i < names.size(); ++i) {
    sinks.push_back(&im.collection(cat, category, names[i], *colls[i]));
  }
  for (auto& [name, s] : cat.collections) {
    bool written = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (sinks[i] == &s) {
        im.append(s, *colls[i], name);
        written = true;
        break;
      }
    }
    if (!written) {
      im.appendAbsent(s);
    }
  }
  const std::string params = detail::parametersToJson(frame.getParameters());
  Column& bytes = cat.parameters->buffer();
  const std::size_t at = bytes.size();
  bytes.resize(at + params.size());
  std::memcpy(bytes.data<uint8_t>() + at, params.data(), params.size());
  cat.parameterBytes += params.size();
  cat.parameterOffsets->buffer().push_back<uint64_t>(cat.parameterBytes);
  ++cat.entries;
  if (++cat.buffered >= std::max<std::size_t>(1, im.options.flushEvents)) {
    try {
      im.flush(cat);
    } catch (...) {
      im.writeFailed = true;
      throw;
    }
  }
}

void Writer::finish() {
  auto& im = *m_impl;
  if (im.finished) {
    return;
  }
  try {
    for (auto& [name, cat] : im.categories) {
      im.flush(cat);
    }
    im.writeRootAttributes();
    im.categories.clear();
    im.definitions = Hid(); // every object closed before the file, so closing it writes everything
    h5::check(H5Fflush(im.file.get(), H5F_SCOPE_GLOBAL), "cannot flush", im.filename);
  } catch (...) {
    im.writeFailed = true;
    throw;
  }
  im.file = Hid();
  im.finished = true;
  std::error_code ec;
  const auto target = std::filesystem::status(im.filename, ec);
  if (!ec && std::filesystem::exists(target) && !std::filesystem::is_regular_file(target)) {
    // Something else took the name while we wrote: keep the data, replace nothing.
    throw IoError("cannot write '" + im.filename + "': it is no longer a regular file (the data is in '" + im.tmpName +
                  "')");
  }
  ec.clear();
  std::filesystem::rename(im.tmpName, im.filename, ec);
  if (ec) {
    throw IoError("cannot write '" + im.filename + "': renaming the finished file failed: " + ec.message() +
                  " (the data is in '" + im.tmpName + "')");
  }
}

const std::string& Writer::temporaryFile() const { return m_impl->tmpName; }

std::size_t Writer::entries(const std::string& category) const {
  auto it = m_impl->categories.find(category);
  return it == m_impl->categories.end() ? 0 : it->second.entries;
}

} // namespace podml::io
