#include "podml/io/Reader.h"

#include "H5.h"
#include "Layout.h"
#include "Parameters.h"
#include "Probe.h"

#include "podml/GenericCollection.h"
#include "podml/Json.h"

#include <algorithm>
#include <filesystem>
#include <glob.h>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace podml::io {

EntryRange EntryRange::shard(uint64_t entries, uint64_t i, uint64_t n) {
  if (n == 0 || i >= n) {
    throw UsageError("cannot take shard " + std::to_string(i) + " of " + std::to_string(n) + ": need 0 <= i < n");
  }
  const uint64_t base = entries / n;
  const uint64_t extra = entries % n;
  const uint64_t first = i * base + std::min(i, extra);
  return {first, first + base + (i < extra ? 1 : 0)};
}

namespace {

using h5::Hid;

// Entries per block that frame reads load at once: one HDF5 read per dataset
// serves this many frames.
constexpr uint64_t kBlockEntries = 256;

struct Block {
  uint64_t firstEntry{0};
  uint64_t lastEntry{0};
  uint64_t firstRow{0};
  Column data;
  bool valid{false};
};

struct CollMeta {
  std::string name;
  std::string path;
  std::string type;
  std::string dataModel;
  std::string typeHash;
  uint32_t schemaVersion{0};
  uint32_t collectionID{0};
  bool subset{false};
  Hid group;
  const DatatypeDef* def{nullptr};
  std::shared_ptr<const DataModelDefinition> model;
  bool loaded{false};
  std::vector<uint64_t> offsets;
  std::vector<uint8_t> present;
  std::map<std::string, std::vector<uint64_t>> ragged; // owner -> per-entry value offsets
  std::map<std::string, Hid> datasets;
  std::map<std::string, Block> cache;
};

struct CatMeta {
  uint64_t entries{0};
  Hid group;
  std::vector<CollMeta> colls;
  // Parameters: JSON bytes per entry; the dataset stays open, blocks of entries are cached.
  Hid parameters;
  bool parametersChecked{false};
  std::vector<uint64_t> parameterOffsets;
  uint64_t parametersFirst{0};
  uint64_t parametersLast{0};
  Column parametersBlock{DType::UInt8};
};

struct FileMeta {
  std::string name;
  uint64_t bytes{0}; // size of the file on disk
  Hid file;
  uint32_t version{0};
  std::vector<std::shared_ptr<const DataModelDefinition>> models;
  std::map<std::string, CatMeta> cats;
};

std::string where(const std::string& file, const std::string& path) { return " (" + file + ":" + path + ")"; }

// A relation's stored ObjectID halves (`<rel>.index`, `<rel>.collectionID`) read like
// columns: per object for a one-to-one relation, per target for a one-to-many one.
std::optional<ColumnDef> relationColumn(const DatatypeDef& def, const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) {
    return std::nullopt;
  }
  const auto* rel = def.relation(std::string_view(path).substr(0, dot));
  const std::string half = path.substr(dot);
  if (rel == nullptr || (half != ".index" && half != ".collectionID")) {
    return std::nullopt;
  }
  ColumnDef cd;
  cd.path = path;
  cd.dtype = half == ".index" ? DType::Int32 : DType::UInt32;
  cd.kind = rel->many ? ColumnKind::VectorValue : ColumnKind::Member;
  cd.owner = rel->name;
  return cd;
}

// No filter podml uses compresses better than this (deflate's limit is about 1032:1,
// lz4's 255:1), so a dataset claiming more bytes than this many times the size of
// its file is corrupt, and is reported before podml allocates memory for it.
constexpr uint64_t kMaxCompressionRatio = 1100;

// Throws IoError if rows [first, first+n) of `width` values each are more than the
// file can hold, before anything is allocated for them.
void checkPlausibleRows(const FileMeta& fm, uint64_t first, uint64_t n, uint64_t width, const std::string& path) {
  const uint64_t limit = fm.bytes * kMaxCompressionRatio + (uint64_t(1) << 20);
  if (n > limit / std::max<uint64_t>(1, width) / 8) {
    throw IoError("cannot read rows " + std::to_string(first) + ".." + std::to_string(first + n) + ": " +
                  std::to_string(n * width) + " values are more than the file (" + std::to_string(fm.bytes) +
                  " bytes) can hold; it is corrupt" + where(fm.name, path));
  }
}

// Reads rows [first, first+n) of a dataset into `out` (resized), checking shape and type.
void readRows(hid_t ds, uint64_t first, uint64_t n, DType want, uint32_t width, Column& out, std::size_t outRow,
              const FileMeta& fm, const std::string& path) {
  const std::string& file = fm.name;
  Hid space = h5::checkId(H5Dget_space(ds), "cannot get dataspace", file, path);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 8) {
    throw IoError("cannot read dataset: unexpected rank " + std::to_string(rank) + where(file, path));
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  uint64_t w = 1;
  for (int d = 1; d < rank; ++d) {
    w *= dims[static_cast<std::size_t>(d)];
  }
  if (w != width) {
    throw IoError("cannot read dataset: " + std::to_string(w) + " values per row, expected " + std::to_string(width) +
                  where(file, path));
  }
  if (first + n > dims[0] || first + n < first) {
    throw IoError("cannot read rows " + std::to_string(first) + ".." + std::to_string(first + n) + ": the dataset has " +
                  std::to_string(dims[0]) + where(file, path));
  }
  checkPlausibleRows(fm, first, n, w, path);
  Hid type = h5::checkId(H5Dget_type(ds), "cannot get datatype", file, path);
  const DType stored = h5::dtypeOf(type.get(), file, path);
  const DType expect = want == DType::Bool ? DType::UInt8 : want;
  if (stored != expect) {
    throw IoError("cannot read dataset: it holds " + std::string(dtypeName(stored)) + ", expected " +
                  std::string(dtypeName(expect)) + where(file, path));
  }
  if (outRow != out.size()) {
    throw IoError("cannot read rows: internal error, not appending" + where(file, path));
  }
  if (n == 0) {
    return;
  }
  // Reserve, read, then commit: no zero fill of rows that H5Dread overwrites anyway.
  out.reserve(outRow + n);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = first;
  count[0] = n;
  h5::check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
            "cannot select rows", file, path);
  Hid mspace = h5::checkId(H5Screate_simple(rank, count.data(), nullptr), "cannot create dataspace", file, path);
  auto* dst = static_cast<std::byte*>(out.rawData()) + outRow * out.rowBytes();
  h5::check(H5Dread(ds, h5::nativeType(expect), mspace.get(), space.get(), H5P_DEFAULT, dst), "cannot read rows", file,
            path);
  out.commitRows(n);
  if (want == DType::Bool) {
    // Anything but 0/1 in a bool would be undefined behaviour once read as bool.
    for (uint64_t i = 0; i < n * width; ++i) {
      dst[i] = std::byte{dst[i] != std::byte{0}};
    }
  }
}

// Chunk cache of a dataset opened for reading. Unfiltered chunks bypass the cache
// (0 bytes): HDF5 then reads whole chunks straight into the caller's buffer and
// parts of chunks straight from the file, instead of copying through the cache.
// Filtered chunks must be cached, or every block read of kBlockEntries entries
// decompresses the whole chunk again: room for two chunks, at least HDF5's 1 MiB.
std::size_t chunkCacheBytes(hid_t ds) {
  Hid dcpl(H5Dget_create_plist(ds));
  if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED || H5Pget_nfilters(dcpl.get()) <= 0) {
    return 0;
  }
  hsize_t dims[8] = {};
  const int rank = H5Pget_chunk(dcpl.get(), 8, dims);
  Hid type(H5Dget_type(ds));
  std::size_t bytes = type.valid() ? H5Tget_size(type.get()) : 8;
  constexpr std::size_t kMax = std::size_t{256} << 20; // a corrupt chunk shape must not ask for more
  for (int d = 0; d < rank && d < 8; ++d) {
    bytes = dims[d] != 0 && bytes > kMax / dims[d] ? kMax : bytes * dims[d];
  }
  return std::clamp<std::size_t>(2 * std::min(bytes, kMax), std::size_t{1} << 20, kMax);
}

std::vector<uint64_t> readOffsets(hid_t group, const std::string& name, uint64_t entries, const FileMeta& fm,
                                  const std::string& path) {
  const std::string& file = fm.name;
  const std::string p = path + "/" + name;
  if (!h5::exists(group, name)) {
    throw IoError("cannot read collection: dataset '" + name + "' is missing" + where(file, path));
  }
  Hid ds = h5::checkId(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "cannot open dataset", file, p);
  Column c(DType::UInt64);
  readRows(ds.get(), 0, entries + 1, DType::UInt64, 1, c, 0, fm, p);
  std::vector<uint64_t> out(c.data<uint64_t>(), c.data<uint64_t>() + entries + 1);
  if (out[0] != 0) {
    throw IoError("cannot read offsets: they do not start at 0" + where(file, p));
  }
  for (uint64_t i = 0; i < entries; ++i) {
    if (out[i + 1] < out[i]) {
      throw IoError("cannot read offsets: they decrease at entry " + std::to_string(i) + where(file, p));
    }
  }
  return out;
}

// Deepest nesting of JSON arrays and objects (ignoring brackets inside strings).
std::size_t jsonDepth(const std::string& text) {
  std::size_t depth = 0, deepest = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (inString) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        inString = false;
      }
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string readDefinitionsText(const FileMeta& f) {
  const std::string path = std::string("/") + layout::kDataModels;
  if (!h5::exists(f.file.get(), layout::kDataModels)) {
    throw IoError("cannot read data model definitions: dataset '" + std::string(layout::kDataModels) + "' is missing (" +
                  f.name + ")");
  }
  Hid ds = h5::checkId(H5Dopen2(f.file.get(), layout::kDataModels, H5P_DEFAULT), "cannot open dataset", f.name, path);
  Hid space = h5::checkId(H5Dget_space(ds.get()), "cannot get dataspace", f.name, path);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw IoError("cannot read data model definitions: not a list of bytes" + where(f.name, path));
  }
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  Column bytes(DType::UInt8);
  readRows(ds.get(), 0, n, DType::UInt8, 1, bytes, 0, f, path);
  return std::string(reinterpret_cast<const char*>(bytes.data<uint8_t>()), bytes.size());
}

std::vector<std::shared_ptr<const DataModelDefinition>> readModels(const FileMeta& f) {
  const std::string& name = f.name;
  const std::string text = readDefinitionsText(f);
  // The JSON parser recurses per level: a hostile file must not exhaust the stack.
  // Definitions nest a handful of levels deep.
  constexpr std::size_t kMaxDepth = 64;
  if (jsonDepth(text) > kMaxDepth) {
    throw IoError("cannot read data model definitions: JSON nested deeper than " + std::to_string(kMaxDepth) +
                  " levels (" + name + ":/" + layout::kDataModels + ")");
  }
  json::Value root;
  try {
    root = json::parse(text, name + ":/" + layout::kDataModels);
  } catch (const DefinitionError& e) {
    throw IoError(std::string("cannot read data model definitions: ") + e.what());
  }
  if (!root.isObject()) {
    throw IoError("cannot read data model definitions: not a JSON object (" + name + ":/" + layout::kDataModels + ")");
  }
  std::vector<std::shared_ptr<const DataModelDefinition>> models;
  std::vector<std::pair<std::string, const json::Value*>> pending;
  for (const auto& [k, v] : root.asObject()) {
    pending.emplace_back(k, &v);
  }
  // Upstream models first: repeat until nothing more can be built.
  while (!pending.empty()) {
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      std::vector<const DataModelDefinition*> ups;
      bool ready = true;
      try {
        if (const auto* up = it->second->find("upstream")) {
          for (const auto& u : up->asArray()) {
            const auto found = std::find_if(models.begin(), models.end(), [&](const auto& m) { return m->name == u.asString(); });
            if (found == models.end()) {
              ready = false;
            } else {
              ups.push_back(found->get());
            }
          }
        }
        if (!ready) {
          ++it;
          continue;
        }
        models.push_back(std::make_shared<const DataModelDefinition>(DataModelDefinition::fromJson(json::dump(*it->second), ups)));
      } catch (const DefinitionError& e) {
        throw IoError("cannot read data model '" + it->first + "' stored in the file: " + e.what() + " (" + name + ")");
      }
      it = pending.erase(it);
      progress = true;
    }
    if (!progress) {
      throw IoError("cannot read data model '" + pending.front().first +
                    "' stored in the file: its upstream model is not stored (" + name + ")");
    }
  }
  return models;
}

} // namespace

struct Reader::Impl {
  std::vector<std::string> names;
  std::vector<FileMeta> files;
  std::map<std::string, uint64_t> nextEntry;

  void open(const std::string& name) {
    h5::silenceErrors();
    FileMeta f;
    f.name = name;
    // Ask the file system first: HDF5's answers for these cases are vague.
    std::error_code ec;
    const auto status = std::filesystem::status(name, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
      throw IoError("cannot open '" + name + "': no such file");
    }
    if (ec) {
      throw IoError("cannot open '" + name + "': " + ec.message());
    }
    if (status.type() == std::filesystem::file_type::directory) {
      throw IoError("cannot open '" + name + "': is a directory");
    }
    if (status.type() != std::filesystem::file_type::regular) {
      throw IoError("cannot open '" + name + "': not a regular file");
    }
    f.bytes = std::filesystem::file_size(name, ec);
    if (!ec && f.bytes == 0) {
      throw IoError("cannot open '" + name + "': empty file, not an HDF5 file");
    }
    const htri_t isH5 = H5Fis_hdf5(name.c_str());
    if (isH5 < 0) {
      throw IoError("cannot open '" + name + "': not readable or not an HDF5 file");
    }
    if (isH5 == 0) {
      throw IoError("cannot open '" + name + "': not an HDF5 file");
    }
    const hid_t id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) {
      const std::string reason = h5::lastError();
      if (reason.find("truncated file") != std::string::npos) {
        throw IoError("cannot open '" + name + "': the file is truncated (" + std::to_string(f.bytes) +
                      " bytes; HDF5: " + reason + ")");
      }
      throw IoError("cannot open '" + name + "': " + reason);
    }
    f.file = Hid(id);
    if (!h5::hasAttr(f.file.get(), layout::kFormatVersionAttr)) {
      throw IoError("cannot open '" + name + "': not a podml file (no " + layout::kFormatVersionAttr +
                    " attribute; a file still being written or from another program)");
    }
    const uint64_t version = h5::readUIntAttr(f.file.get(), layout::kFormatVersionAttr, name, "/");
    if (version == 0 || version > kFormatVersion) {
      throw IoError("cannot open '" + name + "': written with podml file format version " + std::to_string(version) +
                    ", this podml reads versions 1 to " + std::to_string(kFormatVersion));
    }
    f.version = static_cast<uint32_t>(version);
    f.models = readModels(f);
    for (const auto& catName : h5::children(f.file.get(), name, "/")) {
      if (catName == layout::kDataModels) {
        continue;
      }
      CatMeta cat;
      cat.group = h5::checkId(H5Gopen2(f.file.get(), catName.c_str(), H5P_DEFAULT), "cannot open group", name, catName);
      cat.entries = h5::readUIntAttr(cat.group.get(), layout::kEntriesAttr, name, catName);
      if (cat.entries > (uint64_t(1) << 40)) {
        throw IoError("cannot open category: implausible entry count" + where(name, catName));
      }
      for (const auto& collName : h5::children(cat.group.get(), name, catName)) {
        if (collName == layout::kParameters || collName == layout::kParameterOffsets) {
          continue;
        }
        CollMeta c;
        c.name = collName;
        c.path = catName + "/" + collName;
        c.group = h5::checkId(H5Gopen2(cat.group.get(), collName.c_str(), H5P_DEFAULT), "cannot open group", name, c.path);
        const hid_t g = c.group.get();
        c.type = h5::readStringAttr(g, layout::kTypeAttr, name, c.path);
        c.dataModel = h5::readStringAttr(g, layout::kDataModelAttr, name, c.path);
        c.typeHash = h5::readStringAttr(g, layout::kTypeHashAttr, name, c.path);
        c.schemaVersion = static_cast<uint32_t>(h5::readUIntAttr(g, layout::kSchemaVersionAttr, name, c.path));
        c.collectionID = static_cast<uint32_t>(h5::readUIntAttr(g, layout::kCollectionIDAttr, name, c.path));
        c.subset = h5::readUIntAttr(g, layout::kSubsetAttr, name, c.path) != 0;
        for (const auto& m : f.models) {
          if (m->name == c.dataModel) {
            c.model = m;
            c.def = m->datatype(c.type);
          }
        }
        if (c.def == nullptr) {
          throw IoError("cannot open collection: type '" + c.type + "' of data model '" + c.dataModel +
                        "' is not among the definitions stored in the file" + where(name, c.path));
        }
        if (c.collectionID != collectionIDFromName(collName)) {
          throw IoError("cannot open collection: stored collection ID " + std::to_string(c.collectionID) +
                        " is not the hash of its name" + where(name, c.path));
        }
        cat.colls.push_back(std::move(c));
      }
      f.cats[catName] = std::move(cat);
    }
    files.push_back(std::move(f));
    names.push_back(name);
  }

  void load(FileMeta& f, const CatMeta& cat, CollMeta& c) {
    if (c.loaded) {
      return;
    }
    const hid_t g = c.group.get();
    c.offsets = readOffsets(g, layout::kOffsets, cat.entries, f, c.path);
    if (!h5::exists(g, layout::kPresent)) {
      throw IoError("cannot read collection: dataset 'present' is missing" + where(f.name, c.path));
    }
    Hid ds = h5::checkId(H5Dopen2(g, layout::kPresent, H5P_DEFAULT), "cannot open dataset", f.name, c.path + "/present");
    Column p(DType::UInt8);
    readRows(ds.get(), 0, cat.entries, DType::UInt8, 1, p, 0, f, c.path + "/present");
    c.present.assign(p.data<uint8_t>(), p.data<uint8_t>() + cat.entries);
    if (!c.subset) {
      for (const auto& v : c.def->vectorMembers) {
        c.ragged[v.name] = readOffsets(g, layout::raggedOffsets(v.name), cat.entries, f, c.path);
      }
      for (const auto& r : c.def->relations) {
        if (r.many) {
          c.ragged[r.name] = readOffsets(g, layout::raggedOffsets(r.name), cat.entries, f, c.path);
        }
      }
    }
    c.loaded = true;
  }

  hid_t dataset(const FileMeta& f, CollMeta& c, const std::string& name) {
    auto it = c.datasets.find(name);
    if (it != c.datasets.end()) {
      return it->second.get();
    }
    if (!h5::exists(c.group.get(), name)) {
      throw IoError("cannot read column: dataset '" + name + "' is missing" + where(f.name, c.path));
    }
    const std::string p = c.path + "/" + name;
    Hid probe = h5::checkId(H5Dopen2(c.group.get(), name.c_str(), H5P_DEFAULT), "cannot open dataset", f.name, p);
    Hid dapl = h5::checkId(H5Pcreate(H5P_DATASET_ACCESS), "cannot create property list", f.name, p);
    h5::check(H5Pset_chunk_cache(dapl.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, chunkCacheBytes(probe.get()),
                                 H5D_CHUNK_CACHE_W0_DEFAULT),
              "cannot set chunk cache", f.name, p);
    probe = Hid();
    auto [ins, ok] = c.datasets.emplace(name, h5::checkId(H5Dopen2(c.group.get(), name.c_str(), dapl.get()),
                                                        "cannot open dataset", f.name, p));
    return ins->second.get();
  }

  // Rows of entry `entry` of dataset `name` (rows counted by `offsets`), through the block cache.
  void entryRows(const FileMeta& f, const CatMeta& cat, CollMeta& c, const std::string& name,
                 const std::vector<uint64_t>& offsets, uint64_t entry, DType dtype, uint32_t width, Column& out) {
    Block& b = c.cache[name];
    if (!b.valid || entry < b.firstEntry || entry >= b.lastEntry) {
      b.firstEntry = entry;
      b.lastEntry = std::min(cat.entries, entry + kBlockEntries);
      b.firstRow = offsets[b.firstEntry];
      b.data = Column(dtype == DType::Bool ? DType::UInt8 : dtype, width);
      b.valid = false;
      readRows(dataset(f, c, name), b.firstRow, offsets[b.lastEntry] - b.firstRow, dtype, width, b.data, 0, f,
               c.path + "/" + name);
      b.valid = true;
    }
    const uint64_t n = offsets[entry + 1] - offsets[entry];
    const uint64_t row = offsets[entry] - b.firstRow;
    if (out.dtype() == DType::Bool) {
      // The cache holds bytes; the collection column is typed bool with the same layout.
      out.resize(n);
      if (n != 0) {
        std::memcpy(out.rawData(), static_cast<const std::byte*>(b.data.rawData()) + row * b.data.rowBytes(),
                    n * out.rowBytes());
      }
    } else {
      out.clear();
      out.appendRows(b.data, row, n);
    }
  }

  std::vector<ObjectID> entryIDs(const FileMeta& f, const CatMeta& cat, CollMeta& c, const std::string& rel,
                                 const std::vector<uint64_t>& offsets, uint64_t entry) {
    Column idx(DType::Int32), coll(DType::UInt32);
    entryRows(f, cat, c, layout::relationIndex(rel), offsets, entry, DType::Int32, 1, idx);
    entryRows(f, cat, c, layout::relationCollection(rel), offsets, entry, DType::UInt32, 1, coll);
    std::vector<ObjectID> ids(idx.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ids[i] = {idx.data<int32_t>()[i], coll.data<uint32_t>()[i]};
    }
    return ids;
  }

  std::unique_ptr<CollectionBase> makeCollection(const CollMeta& c) {
    return podml::makeCollection(c.model, *c.def, c.schemaVersion);
  }

  std::unique_ptr<CollectionBase> readCollection(FileMeta& f, const CatMeta& cat, CollMeta& c, uint64_t e) {
    auto coll = makeCollection(c);
    coll->setID(c.collectionID);
    if (c.subset) {
      coll->setSubsetCollection(true);
      coll->setSubsetIDs(entryIDs(f, cat, c, layout::kSubsetName, c.offsets, e));
      return coll;
    }
    const auto& def = *c.def;
    const uint64_t n = c.offsets[e + 1] - c.offsets[e];
    // Objects are allocated before their columns are read: a corrupt offset must not
    // make that allocation fail (a datatype without members stores no row to check).
    checkPlausibleRows(f, c.offsets[e], n, 1, c.path + "/" + layout::kOffsets);
    coll->setObjectCount(n);
    auto cols = coll->columns();
    for (std::size_t k = 0; k < def.columns.size(); ++k) {
      const auto& cd = def.columns[k];
      if (cd.kind == ColumnKind::VectorValue) {
        entryRows(f, cat, c, cd.path, c.ragged.at(cd.owner), e, cd.dtype, cd.width(), cols[k]);
      } else {
        entryRows(f, cat, c, cd.path, c.offsets, e, cd.dtype, cd.width(), cols[k]);
      }
    }
    // Ranges index into this entry's values: check them before any handle can use them.
    auto checkRanges = [&](const std::string& owner, uint64_t values) {
      const auto* b = coll->column(owner + "_begin").data<uint32_t>();
      const auto* en = coll->column(owner + "_end").data<uint32_t>();
      for (uint64_t i = 0; i < n; ++i) {
        if (b[i] > en[i] || en[i] > values) {
          throw IoError("cannot read entry " + std::to_string(e) + ": object " + std::to_string(i) + " has range " +
                        std::to_string(b[i]) + ".." + std::to_string(en[i]) + " for '" + owner + "' with " +
                        std::to_string(values) + " values" + where(f.name, c.path));
        }
      }
    };
    for (const auto& v : def.vectorMembers) {
      const auto& ro = c.ragged.at(v.name);
      checkRanges(v.name, ro[e + 1] - ro[e]);
    }
    for (std::size_t r = 0; r < def.relations.size(); ++r) {
      const auto& rel = def.relations[r];
      if (rel.many) {
        const auto& ro = c.ragged.at(rel.name);
        checkRanges(rel.name, ro[e + 1] - ro[e]);
        coll->setRelationIDs(r, entryIDs(f, cat, c, rel.name, ro, e));
      } else {
        coll->setRelationIDs(r, entryIDs(f, cat, c, rel.name, c.offsets, e));
      }
    }
    return coll;
  }

  std::pair<FileMeta*, uint64_t> locate(const std::string& category, uint64_t i) {
    for (auto& f : files) {
      auto it = f.cats.find(category);
      const uint64_t n = it == f.cats.end() ? 0 : it->second.entries;
      if (i < n) {
        return {&f, i};
      }
      i -= n;
    }
    return {nullptr, 0};
  }

  Frame readFrame(const std::string& category, uint64_t i, const std::vector<std::string>& wanted) {
    auto [f, e] = locate(category, i);
    if (f == nullptr) {
      throw UsageError("cannot read entry " + std::to_string(i) + " of category '" + category + "': it has " +
                       std::to_string(entries(category)) + " entries");
    }
    CatMeta& cat = f->cats.at(category);
    for (const auto& w : wanted) {
      if (std::none_of(cat.colls.begin(), cat.colls.end(), [&](const CollMeta& c) { return c.name == w; })) {
        throw UsageError("cannot read collection '" + w + "': not stored in category '" + category + "' of '" + f->name +
                         "'");
      }
    }
    std::vector<CollMeta*> which;
    for (auto& c : cat.colls) {
      if (wanted.empty() || std::find(wanted.begin(), wanted.end(), c.name) != wanted.end()) {
        which.push_back(&c);
      }
    }
    return readEntry(*f, cat, category, e, which);
  }

  // Entry `e` of one file's category with the collections `which` (loaded on demand,
  // in order) and the parameters.
  Frame readEntry(FileMeta& f, CatMeta& cat, const std::string& category, uint64_t e,
                  const std::vector<CollMeta*>& which) {
    std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>> read;
    for (auto* c : which) {
      load(f, cat, *c);
      if (c->present[e] == 0) {
        continue;
      }
      read.emplace_back(c->name, readCollection(f, cat, *c, e));
    }
    std::map<uint32_t, const CollectionBase*> byID;
    for (const auto& [name, coll] : read) {
      byID[coll->getID()] = coll.get();
    }
    const CollectionLookup lookup = [&byID](uint32_t id) -> const CollectionBase* {
      auto it = byID.find(id);
      return it == byID.end() ? nullptr : it->second;
    };
    Frame frame;
    for (auto& [name, coll] : read) {
      try {
        coll->resolveRelations(lookup);
      } catch (const IoError& err) {
        throw IoError(std::string(err.what()) + " (" + f.name + ":" + category + "/" + name + ", entry " +
                      std::to_string(e) + ")");
      }
    }
    for (auto& [name, coll] : read) {
      frame.put(std::move(coll), name);
    }
    readParameters(f, cat, category, e, frame);
    return frame;
  }

  void readParameters(const FileMeta& f, CatMeta& cat, const std::string& category, uint64_t e, Frame& frame) {
    const std::string path = category + "/" + layout::kParameters;
    // Every cache below is committed only after its read succeeded: a retry after an
    // IoError must meet the same error, not a half-filled cache.
    if (!cat.parametersChecked) {
      if (h5::exists(cat.group.get(), layout::kParameters)) {
        auto offsets = readOffsets(cat.group.get(), layout::kParameterOffsets, cat.entries, f, category);
        Hid ds = h5::checkId(H5Dopen2(cat.group.get(), layout::kParameters, H5P_DEFAULT), "cannot open dataset", f.name,
                             path);
        cat.parameterOffsets = std::move(offsets);
        cat.parameters = std::move(ds);
      }
      cat.parametersChecked = true;
    }
    if (!cat.parameters.valid()) {
      return;
    }
    // Blocks of kBlockEntries entries: one read serves many frames.
    if (e < cat.parametersFirst || e >= cat.parametersLast) {
      const uint64_t firstEntry = e;
      const uint64_t lastEntry = std::min(cat.entries, e + kBlockEntries);
      Column block(DType::UInt8);
      const uint64_t first = cat.parameterOffsets[firstEntry];
      readRows(cat.parameters.get(), first, cat.parameterOffsets[lastEntry] - first, DType::UInt8, 1, block, 0, f,
               path);
      cat.parametersBlock = std::move(block);
      cat.parametersFirst = firstEntry;
      cat.parametersLast = lastEntry;
    }
    const uint64_t from = cat.parameterOffsets[e] - cat.parameterOffsets[cat.parametersFirst];
    const uint64_t n = cat.parameterOffsets[e + 1] - cat.parameterOffsets[e];
    const std::string_view text(reinterpret_cast<const char*>(cat.parametersBlock.data<uint8_t>()) + from, n);
    detail::parametersFromJson(text, frame.parameters(), f.name + ":" + path + "[" + std::to_string(e) + "]");
  }

  uint64_t entries(const std::string& category) const {
    uint64_t n = 0;
    for (const auto& f : files) {
      auto it = f.cats.find(category);
      if (it != f.cats.end()) {
        n += it->second.entries;
      }
    }
    return n;
  }
};

namespace {

volatile std::size_t touchSink; // keeps touch()'s reads from being optimised away

// Touches every value of a frame's collections, so that a sanitizer sees any
// read of memory the reader did not fill.
void touch(const Frame& frame) {
  std::size_t sum = 0;
  for (const auto& name : frame.getAvailableCollections()) {
    const auto* coll = frame.get(name);
    sum += coll->size();
    for (const auto& col : coll->columns()) {
      const auto* bytes = static_cast<const unsigned char*>(col.rawData());
      for (std::size_t i = 0; i < col.sizeBytes(); i += 64) {
        sum += bytes[i];
      }
    }
    if (!coll->isSubsetCollection()) {
      for (std::size_t r = 0; r < coll->definition().relations.size(); ++r) {
        sum += coll->relationIDs(r).size();
      }
    }
  }
  touchSink = sum;
}

// Rows per read when the probe reads whole datasets: bounds its memory.
constexpr uint64_t kProbeSliceRows = uint64_t(1) << 20;

} // namespace

std::string detail::ReaderAccess::walk(Reader& r, Probe depth) {
  auto& im = *r.m_impl;
  std::string first;
  const auto attempt = [&first](const auto& step) {
    try {
      step();
    } catch (const Error& e) {
      if (first.empty()) {
        first = e.what();
      }
    }
  };
  if (depth == Probe::Off) {
    return first;
  }
  for (auto& f : im.files) {
    for (auto& catEntry : f.cats) {
      const std::string& category = catEntry.first;
      CatMeta& cat = catEntry.second;
      // Each collection on its own: one that cannot be loaded must not keep the probe
      // from the others, which a caller can still read by name.
      std::vector<CollMeta*> loaded;
      for (auto& c : cat.colls) {
        attempt([&] {
          im.load(f, cat, c);
          loaded.push_back(&c);
        });
      }
      const uint64_t n = cat.entries;
      if (n == 0) {
        continue;
      }
      attempt([&] {
        Frame parameters;
        im.readParameters(f, cat, category, 0, parameters);
      });
      const auto entry = [&](uint64_t e) {
        try {
          touch(im.readEntry(f, cat, category, e, loaded));
        } catch (const Error& err) {
          if (first.empty()) {
            first = err.what();
          }
          // One bad collection ends a frame read: read the others one at a time.
          for (auto* c : loaded) {
            attempt([&] { touch(im.readEntry(f, cat, category, e, {c})); });
          }
        }
      };
      // The entry count is only trusted once offsets of that many entries were read
      // (a damaged count can claim 2^40): otherwise the first and last entry reach all
      // a reader can reach.
      const bool countChecked = !loaded.empty() || cat.parameters.valid();
      if (depth == Probe::Full && countChecked) {
        for (uint64_t e = 0; e < n; ++e) {
          entry(e);
        }
      } else {
        entry(0);
        if (n > 1) {
          entry(n - 1);
        }
      }
      // Every dataset a collection's definition names, over all rows (Full) or the
      // rows of entry 0 (Metadata): bulk column reads use other selections of them.
      for (auto* c : loaded) {
        std::vector<std::tuple<std::string, DType, uint32_t, const std::vector<uint64_t>*>> datasets;
        const auto addRelation = [&](const std::string& rel, const std::vector<uint64_t>& offsets) {
          datasets.emplace_back(layout::relationIndex(rel), DType::Int32, 1, &offsets);
          datasets.emplace_back(layout::relationCollection(rel), DType::UInt32, 1, &offsets);
        };
        if (c->subset) {
          addRelation(layout::kSubsetName, c->offsets);
        } else {
          for (const auto& cd : c->def->columns) {
            datasets.emplace_back(cd.path, cd.dtype, cd.width(),
                                  cd.kind == ColumnKind::VectorValue ? &c->ragged.at(cd.owner) : &c->offsets);
          }
          for (const auto& rel : c->def->relations) {
            addRelation(rel.name, rel.many ? c->ragged.at(rel.name) : c->offsets);
          }
        }
        for (const auto& [name, dtype, width, offsets] : datasets) {
          attempt([&, &name = name, dtype = dtype, width = width, offsets = offsets] {
            const uint64_t begin = (*offsets)[0];
            const uint64_t end = depth == Probe::Full ? offsets->back() : (*offsets)[1];
            checkPlausibleRows(f, begin, end - begin, width, c->path + "/" + name);
            const hid_t ds = im.dataset(f, *c, name);
            for (uint64_t row = begin; row < end; row += kProbeSliceRows) {
              Column slice(dtype == DType::Bool ? DType::UInt8 : dtype, width);
              readRows(ds, row, std::min(kProbeSliceRows, end - row), dtype, width, slice, 0, f, c->path + "/" + name);
            }
          });
        }
      }
    }
  }
  return first;
}

Reader::Reader(const std::vector<std::string>& files, ReaderOptions options) : m_impl(std::make_unique<Impl>()) {
  if (files.empty()) {
    throw UsageError("cannot open a reader: no files given");
  }
  for (const auto& f : files) {
    detail::probeFile(f, options.probe, options.probeTimeoutSeconds, [&f, &options] {
      Reader r({f}, ReaderOptions{Probe::Off});
      (void)detail::ReaderAccess::walk(r, options.probe);
    });
    m_impl->open(f);
  }
}

Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

std::vector<std::string> Reader::getAvailableCategories() const {
  std::set<std::string> cats;
  for (const auto& f : m_impl->files) {
    for (const auto& [name, c] : f.cats) {
      cats.insert(name);
    }
  }
  return {cats.begin(), cats.end()};
}

std::size_t Reader::getEntries(const std::string& category) const { return m_impl->entries(category); }

Frame Reader::readFrame(const std::string& category, std::size_t i, const std::vector<std::string>& collections) {
  return m_impl->readFrame(category, i, collections);
}

Frame Reader::readNextFrame(const std::string& category) {
  uint64_t& next = m_impl->nextEntry[category];
  Frame f = m_impl->readFrame(category, next, {});
  ++next;
  return f;
}

std::vector<CollectionInfo> Reader::collections(const std::string& category) const {
  // Over the whole chain: objects are summed, collections united; a name holding
  // another type in a later file makes the chain inconsistent.
  std::vector<CollectionInfo> out;
  for (auto& f : m_impl->files) {
    auto it = f.cats.find(category);
    if (it == f.cats.end()) {
      continue;
    }
    for (auto& c : it->second.colls) {
      m_impl->load(f, it->second, c);
      auto have = std::find_if(out.begin(), out.end(), [&](const CollectionInfo& i) { return i.name == c.name; });
      if (have != out.end()) {
        if (have->type != c.type || have->subset != c.subset) {
          throw IoError("cannot read the files as one chain: collection '" + c.name + "' in category '" + category +
                        "' holds " + c.type + (c.subset ? " references" : "") + " in '" + f.name + "' but " +
                        have->type + (have->subset ? " references" : "") + " in an earlier file");
        }
        have->objects += c.offsets.back();
        continue;
      }
      CollectionInfo info;
      info.name = c.name;
      info.type = c.type;
      info.dataModel = c.dataModel;
      info.schemaVersion = c.schemaVersion;
      info.collectionID = c.collectionID;
      info.subset = c.subset;
      info.objects = c.offsets.back();
      if (!c.subset) {
        for (const auto& cd : c.def->columns) {
          info.columns.push_back({cd.path, cd.dtype, cd.shape, cd.unit, cd.kind, cd.owner});
        }
      }
      out.push_back(std::move(info));
    }
  }
  // Entries written without a collection, over the chain: a file of the chain whose
  // category lacks it entirely counts with all its entries.
  uint64_t base = 0;
  for (auto& f : m_impl->files) {
    auto it = f.cats.find(category);
    if (it == f.cats.end()) {
      continue;
    }
    const CatMeta& cat = it->second;
    for (auto& info : out) {
      const auto c = std::find_if(cat.colls.begin(), cat.colls.end(), [&](const CollMeta& m) { return m.name == info.name; });
      uint64_t first = 0, absent = cat.entries; // the whole file, if it lacks the collection
      if (c != cat.colls.end()) {
        first = static_cast<uint64_t>(std::find(c->present.begin(), c->present.end(), 0) - c->present.begin());
        absent = static_cast<uint64_t>(std::count(c->present.begin(), c->present.end(), 0));
      }
      if (absent > 0 && info.absentEntries == 0) {
        info.firstAbsentEntry = base + first;
      }
      info.absentEntries += absent;
    }
    base += cat.entries;
  }
  return out;
}

std::vector<std::shared_ptr<const DataModelDefinition>> Reader::dataModels() const {
  std::vector<std::shared_ptr<const DataModelDefinition>> out;
  for (const auto& f : m_impl->files) {
    for (const auto& m : f.models) {
      if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o->name == m->name; })) {
        out.push_back(m);
      }
    }
  }
  return out;
}

uint32_t Reader::formatVersion() const { return m_impl->files.front().version; }

const std::vector<std::string>& Reader::files() const { return m_impl->names; }

ColumnBatch Reader::readColumns(const std::string& category, const std::string& collection,
                                const std::vector<std::string>& paths, EntryRange range) {
  auto& im = *m_impl;
  const uint64_t total = im.entries(category);
  if (range.last == 0 && range.first == 0) {
    range.last = total;
  }
  if (range.first > range.last || range.last > total) {
    throw UsageError("cannot read entries " + std::to_string(range.first) + ".." + std::to_string(range.last) +
                     " of category '" + category + "': it has " + std::to_string(total));
  }
  if (paths.empty()) {
    throw UsageError("cannot read columns of '" + collection + "': no column paths given");
  }
  ColumnBatch batch;
  batch.paths = paths;
  batch.firstEntry = range.first;
  batch.offsets.push_back(0);
  uint64_t base = 0; // entries of the chain before the current file
  std::string rowSpace;
  for (auto& f : im.files) {
    auto cit = f.cats.find(category);
    const uint64_t n = cit == f.cats.end() ? 0 : cit->second.entries;
    const uint64_t a = std::max(range.first, base), b = std::min(range.last, base + n);
    base += n;
    if (a >= b) {
      continue;
    }
    CatMeta& cat = cit->second;
    auto collIt = std::find_if(cat.colls.begin(), cat.colls.end(), [&](const CollMeta& c) { return c.name == collection; });
    if (collIt == cat.colls.end()) {
      throw UsageError("cannot read columns of '" + collection + "': not stored in category '" + category + "' of '" +
                       f.name + "'");
    }
    CollMeta& c = *collIt;
    im.load(f, cat, c);
    if (c.subset) {
      throw UsageError("cannot read columns of '" + collection + "': it is a subset collection (" + f.name + ")");
    }
    const uint64_t la = a - (base - n), lb = b - (base - n);
    std::vector<const ColumnDef*> defs;
    std::vector<ColumnDef> relationDefs;
    relationDefs.reserve(paths.size()); // defs point into it
    for (const auto& p : paths) {
      const auto* cd = c.def->column(p);
      if (cd == nullptr) {
        if (auto rd = relationColumn(*c.def, p)) {
          cd = &relationDefs.emplace_back(std::move(*rd));
        }
      }
      if (cd == nullptr) {
        throw UsageError("cannot read column '" + p + "' of '" + collection + "': " + c.type + " has no such column (" +
                         f.name + ")");
      }
      const std::string space = cd->kind == ColumnKind::VectorValue ? cd->owner : std::string();
      if (defs.empty()) {
        rowSpace = space;
      } else if (space != rowSpace) {
        throw UsageError("cannot read columns '" + paths.front() + "' and '" + p +
                         "' together: one is per object, the other per value of a vector member (or of another one)");
      }
      defs.push_back(cd);
    }
    const auto& offs = rowSpace.empty() ? c.offsets : c.ragged.at(rowSpace);
    if (batch.columns.empty()) {
      for (const auto* cd : defs) {
        batch.columns.emplace_back(cd->dtype, cd->width());
      }
    }
    const uint64_t firstRow = offs[la], rows = offs[lb] - offs[la];
    for (std::size_t k = 0; k < defs.size(); ++k) {
      auto& col = batch.columns[k];
      if (col.dtype() != defs[k]->dtype || col.width() != defs[k]->width()) {
        throw IoError("cannot read column '" + paths[k] + "' across files: its type differs in '" + f.name + "'");
      }
      const std::size_t at = col.size();
      readRows(im.dataset(f, c, paths[k]), firstRow, rows, defs[k]->dtype, defs[k]->width(), col, at, f,
               c.path + "/" + paths[k]);
    }
    const uint64_t shift = batch.offsets.back() - offs[la];
    for (uint64_t e = la; e < lb; ++e) {
      batch.offsets.push_back(offs[e + 1] + shift);
      batch.present.push_back(c.present[e]);
    }
  }
  return batch;
}

std::unique_ptr<Reader> makeReader(const std::string& fileOrGlob) {
  return makeReader(std::vector<std::string>{fileOrGlob});
}

std::unique_ptr<Reader> makeReader(const std::vector<std::string>& filesOrGlobs) {
  return std::make_unique<Reader>(expandFiles(filesOrGlobs));
}

std::vector<std::string> expandFiles(const std::vector<std::string>& filesOrGlobs) {
  std::vector<std::string> files;
  for (const auto& pattern : filesOrGlobs) {
    if (pattern.find_first_of("*?[") == std::string::npos) {
      files.push_back(pattern);
      continue;
    }
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == GLOB_NOMATCH) {
      globfree(&g);
      throw IoError("cannot open '" + pattern + "': the pattern matches no file");
    }
    if (rc != 0) {
      globfree(&g);
      throw IoError("cannot open '" + pattern + "': cannot expand the pattern");
    }
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      files.emplace_back(g.gl_pathv[i]); // glob sorts its matches
    }
    globfree(&g);
  }
  return files;
}

} // namespace podml::io
