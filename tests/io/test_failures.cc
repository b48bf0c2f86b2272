// Failure modes of the HDF5 reader: missing, truncated, corrupt, non-HDF5,
// wrong-layout and future-version files must give podml::IoError (UsageError
// where the caller is at fault) naming the file and what is wrong, never a
// crash; and a writer that dies must not leave a file that reads as valid but
// wrong. Also replays the fuzzer's regression inputs (fuzz/regressions/).
#include "../common/TestPaths.h"
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/io/Reader.h"
#include "podml/io/Writer.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

podml::Frame makeFrame(int e) {
  podml::Frame f;
  ExampleHitCollection hits;
  ex::ClusterCollection clusters;
  ex::WithEverythingCollection every;
  ex::MCCollection mcs;
  for (int i = 0; i < 3 + e % 3; ++i) {
    hits.create(100ULL + i, 1.0 * i, 2.0 * i, 3.0 * i, 0.5 * i + e);
  }
  auto c = clusters.create();
  c.energy(42.f + e);
  c.addHits(hits[0]);
  c.addHits(hits[2]);
  auto sub = clusters.create();
  c.addClusters(sub);
  auto m = mcs.create();
  m.PDG(11 + e);
  auto w = every.create();
  w.scalar(1.25f * e);
  w.addweights(0.5 + e);
  w.addweights(1.5);
  w.cluster(c);
  w.addparticles(m);
  every.create().addweights(-1.0);
  ex::ClusterCollection subset;
  subset.setSubsetCollection();
  subset.push_back(clusters[1]);
  f.put(std::move(hits), "Hits");
  f.put(std::move(clusters), "Clusters");
  f.put(std::move(every), "Everything");
  f.put(std::move(mcs), "MCs");
  f.put(std::move(subset), "ClusterRefs");
  f.putParameter("event", e);
  f.putParameter("tag", "event-" + std::to_string(e));
  return f;
}

void writeSample(const std::string& file, int events = 4) {
  podml::io::WriterOptions opt;
  opt.chunkRows = 4;
  opt.flushEvents = 2;
  podml::io::Writer w(file, opt);
  for (int e = 0; e < events; ++e) {
    w.writeFrame(makeFrame(e), "events");
  }
  podml::Frame run;
  run.putParameter("runNumber", 7);
  w.writeFrame(run, "runs");
  w.finish();
}

// Reads everything a user could ask for: every frame of every category, the
// collection infos and every column in bulk.
void readEverything(const std::string& file, podml::io::ReaderOptions options = {}) {
  podml::io::Reader r({file}, options);
  for (const auto& cat : r.getAvailableCategories()) {
    for (std::size_t i = 0; i < r.getEntries(cat); ++i) {
      (void)r.readFrame(cat, i);
    }
    for (const auto& info : r.collections(cat)) {
      for (const auto& col : info.columns) {
        if (r.getEntries(cat) != 0) {
          (void)r.readColumns(cat, info.name, {col.path});
        }
      }
    }
  }
}

// Runs `fn` and expects an exception of type E whose message names `file` and
// contains every one of `needles`.
template <typename E = podml::IoError>
void expectError(const std::function<void()>& fn, const std::string& file, const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "no exception for " << file;
  } catch (const E& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file), std::string::npos) << "message does not name the file: " << what;
    for (const auto& n : needles) {
      EXPECT_NE(what.find(n), std::string::npos) << "message lacks '" << n << "': " << what;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type for " << file << ": " << e.what();
  }
}

std::vector<char> slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& file, const std::vector<char>& bytes, std::size_t n) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(n));
}

// ---- HDF5 C API helpers that damage a real file in a controlled way ----

struct H5File {
  hid_t id;
  explicit H5File(const std::string& file) : id(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {
    if (id < 0) {
      throw std::runtime_error("test setup: cannot open " + file);
    }
  }
  ~H5File() { H5Fclose(id); }
};

// Replaces dataset `path` by a contiguous one of `type`, `dims`, filled from `data`.
void replaceDataset(const std::string& file, const std::string& path, hid_t type, const std::vector<hsize_t>& dims,
                    const void* data) {
  H5File f(file);
  ASSERT_GE(H5Ldelete(f.id, path.c_str(), H5P_DEFAULT), 0) << path;
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t ds = H5Dcreate2(f.id, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << path;
  ASSERT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
  H5Dclose(ds);
  H5Sclose(space);
}

template <typename T>
std::vector<T> readDataset(const std::string& file, const std::string& path, hid_t type) {
  H5File f(file);
  const hid_t ds = H5Dopen2(f.id, path.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  std::vector<T> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(ds);
  return v;
}

// Overwrites the values of an existing dataset (same size).
template <typename T>
void overwriteDataset(const std::string& file, const std::string& path, hid_t type, const std::vector<T>& v) {
  H5File f(file);
  const hid_t ds = H5Dopen2(f.id, path.c_str(), H5P_DEFAULT);
  ASSERT_GE(ds, 0) << path;
  ASSERT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0) << path;
  H5Dclose(ds);
}

void setUIntAttr(hid_t loc, const char* name, uint64_t value) {
  if (H5Aexists(loc, name) > 0) {
    H5Adelete(loc, name);
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(loc, name, H5T_NATIVE_UINT64, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_UINT64, &value);
  H5Aclose(a);
  H5Sclose(space);
}

void setStringAttr(hid_t loc, const char* name, const std::string& value) {
  if (H5Aexists(loc, name) > 0) {
    H5Adelete(loc, name);
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  // Fixed length, as podml writes them (podml refuses variable-length strings).
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  H5Awrite(a, type, padded.data());
  H5Aclose(a);
  H5Tclose(type);
  H5Sclose(space);
}

// A fresh copy of the sample, to damage.
std::string sampleCopy(const std::string& name) {
  static const std::string pristine = [] {
    const auto f = podml::test::tmpPath("pristine.h5");
    writeSample(f);
    return f;
  }();
  const auto f = podml::test::tmpPath(name);
  fs::copy_file(pristine, f, fs::copy_options::overwrite_existing);
  return f;
}

} // namespace

TEST(Failures, SampleReadsCleanly) {
  // The baseline every damaged copy starts from.
  const auto f = sampleCopy("clean.h5");
  EXPECT_NO_THROW(readEverything(f));
  podml::io::Reader r({f});
  EXPECT_EQ(r.getEntries("events"), 4u);
}

TEST(Failures, MissingFileAndDirectory) {
  const auto missing = podml::test::tmpPath("does-not-exist.h5");
  expectError([&] { podml::io::Reader r({missing}); }, missing, {"cannot open", "no such file"});
  const auto dir = podml::test::tmpPath("a-directory.h5");
  fs::create_directories(dir);
  expectError([&] { podml::io::Reader r({dir}); }, dir, {"cannot open", "is a directory"});
  // A chain stops at the bad file and names it, not the good one before it.
  const auto good = sampleCopy("good-before-missing.h5");
  expectError([&] { podml::io::Reader r({good, missing}); }, missing, {"no such file"});
  EXPECT_THROW(podml::io::Reader(std::vector<std::string>{}), podml::UsageError);
}

TEST(Failures, NotHdf5) {
  const auto empty = podml::test::tmpPath("empty.h5");
  spit(empty, {}, 0);
  expectError([&] { podml::io::Reader r({empty}); }, empty, {"cannot open", "empty file"});
  const auto text = podml::test::tmpPath("text.h5");
  {
    std::ofstream out(text);
    out << "event,energy\n1,2.5\n";
  }
  expectError([&] { podml::io::Reader r({text}); }, text, {"cannot open", "not an HDF5 file"});
  // The first bytes of an HDF5 signature and nothing else.
  const auto sig = podml::test::tmpPath("signature-only.h5");
  spit(sig, {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'}, 8);
  expectError([&] { podml::io::Reader r({sig}); }, sig, {"cannot open"});
}

TEST(Failures, TruncatedFiles) {
  const auto src = sampleCopy("truncate-src.h5");
  const auto bytes = slurp(src);
  ASSERT_GT(bytes.size(), 4096u);
  std::vector<std::size_t> sizes = {1, 7, 8, 64, 512, 2048};
  for (int k = 1; k < 16; ++k) {
    sizes.push_back(bytes.size() * k / 16);
  }
  sizes.push_back(bytes.size() - 1);
  for (const auto n : sizes) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " of " + std::to_string(bytes.size()) + " bytes");
    const auto f = podml::test::tmpPath("truncated-" + std::to_string(n) + ".h5");
    spit(f, bytes, n);
    // Opening suffices to see it: the superblock records where the file ends.
    expectError([&] { podml::io::Reader r({f}); }, f, {"cannot open"});
    if (n >= 2048) {
      expectError([&] { podml::io::Reader r({f}); }, f, {"truncated"});
    }
  }
}

TEST(Failures, CorruptBytesNeverCrash) {
  // One byte flipped per copy, at offsets spread over the whole file. A flip in
  // raw data can go unnoticed (HDF5 1.10 stores no checksums of raw data, podml
  // writes none), so each read either succeeds or throws IoError naming the
  // file; it never crashes or throws anything else. Flips in metadata must be
  // caught: count them so this cannot pass without detecting any.
  //
  // HDF5 1.10 does not validate its global heap collections ("GCOL", where
  // variable-length data lives) and crashes or loops on a damaged one
  // (fuzz/known-hdf5-crashers/README.md). podml files therefore hold no
  // variable-length data: the sample must have no global heap, and every byte
  // is flipped.
  const auto src = sampleCopy("corrupt-src.h5");
  const auto bytes = slurp(src);
  std::vector<std::pair<std::size_t, std::size_t>> heaps; // [begin, end) of each global heap collection
  for (std::size_t i = 0; i + 16 <= bytes.size(); ++i) {
    if (std::memcmp(bytes.data() + i, "GCOL", 4) == 0 && bytes[i + 4] == 1) {
      uint64_t size = 0;
      std::memcpy(&size, bytes.data() + i + 8, 8); // little-endian length
      heaps.emplace_back(i, i + static_cast<std::size_t>(size));
    }
  }
  ASSERT_TRUE(heaps.empty()) << "podml files must not contain variable-length data (global heaps)";
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / 400);
  std::size_t detected = 0, unnoticed = 0, skipped = 0;
  for (std::size_t off = 0; off < bytes.size(); off += step) {
    if (std::any_of(heaps.begin(), heaps.end(), [&](const auto& h) { return off >= h.first && off < h.second; })) {
      ++skipped;
      continue;
    }
    for (const unsigned char flip : {0xffu, 0x01u}) {
      auto copy = bytes;
      copy[off] = static_cast<char>(copy[off] ^ flip);
      const auto f = podml::test::tmpPath("corrupt.h5");
      spit(f, copy, copy.size());
      try {
        readEverything(f);
        ++unnoticed;
      } catch (const podml::IoError& e) {
        ++detected;
        EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << "offset " << off << ": " << e.what();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "offset " << off << " flip " << unsigned(flip) << ": not an IoError: " << e.what();
      }
    }
  }
  EXPECT_GT(detected, 10u) << unnoticed << " flips went unnoticed";
  std::printf("corrupt bytes: %zu flips detected, %zu unnoticed (raw data), %zu offsets skipped in %zu global heaps\n",
              detected, unnoticed, skipped, heaps.size());
}

TEST(Failures, Hdf5WithoutPodmlAttributes) {
  const auto f = podml::test::tmpPath("plain.h5");
  {
    const hid_t file = H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t g = H5Gcreate2(file, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g);
    H5Fclose(file);
  }
  expectError([&] { podml::io::Reader r({f}); }, f, {"not a podml file", "podml_format_version"});
}

TEST(Failures, VersionWithoutDefinitions) {
  const auto f = podml::test::tmpPath("no-definitions.h5");
  {
    const hid_t file = H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    setUIntAttr(file, "podml_format_version", 1);
    H5Fclose(file);
  }
  expectError([&] { podml::io::Reader r({f}); }, f, {"podml_datamodels", "missing"});
}

TEST(Failures, BadDefinitions) {
  const auto notJson = sampleCopy("definitions-not-json.h5");
  {
    const std::string text = "{\"testdm\": ";
    replaceDataset(notJson, "podml_datamodels", H5T_NATIVE_UINT8, {text.size()}, text.data());
  }
  expectError([&] { podml::io::Reader r({notJson}); }, notJson, {"cannot read data model definitions"});
  // Deep nesting must not exhaust the stack of a recursive parser.
  const auto deep = sampleCopy("definitions-deep.h5");
  {
    const std::string text = std::string(200000, '[') + std::string(200000, ']');
    replaceDataset(deep, "podml_datamodels", H5T_NATIVE_UINT8, {text.size()}, text.data());
  }
  expectError([&] { podml::io::Reader r({deep}); }, deep, {"cannot read data model definitions"});
  const auto wrongKind = sampleCopy("version-not-integer.h5");
  {
    H5File h(wrongKind);
    setStringAttr(h.id, "podml_format_version", "1");
  }
  expectError([&] { podml::io::Reader r({wrongKind}); }, wrongKind, {"podml_format_version", "not a scalar integer"});
}

TEST(Failures, FutureFormatVersion) {
  const auto f = sampleCopy("future.h5");
  {
    H5File h(f);
    setUIntAttr(h.id, "podml_format_version", 99);
  }
  expectError([&] { podml::io::Reader r({f}); }, f, {"format version 99", "reads versions 1 to 1"});
}

TEST(Failures, MissingCollectionAttribute) {
  const auto f = sampleCopy("no-type.h5");
  {
    H5File h(f);
    ASSERT_GE(H5Adelete_by_name(h.id, "events/Hits", "type", H5P_DEFAULT), 0);
  }
  expectError([&] { podml::io::Reader r({f}); }, f, {"'type'", "missing", ":events/Hits"});
  const auto unknown = sampleCopy("unknown-type.h5");
  {
    H5File h(unknown);
    const hid_t g = H5Gopen2(h.id, "events/Hits", H5P_DEFAULT);
    setStringAttr(g, "type", "ex::Nope");
    H5Gclose(g);
  }
  expectError([&] { podml::io::Reader r({unknown}); }, unknown, {"ex::Nope", "not among the definitions"});
}

TEST(Failures, WrongDatasetTypeShapeAndLength) {
  const auto hits = readDataset<double>(sampleCopy("probe.h5"), "events/Hits/energy", H5T_NATIVE_DOUBLE);
  ASSERT_GT(hits.size(), 4u);
  {
    const auto f = sampleCopy("wrong-type.h5");
    std::vector<int32_t> ints(hits.size(), 1);
    replaceDataset(f, "events/Hits/energy", H5T_NATIVE_INT32, {ints.size()}, ints.data());
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"int32", "float64", "events/Hits/energy"});
    expectError([&] { podml::io::Reader({f}).readColumns("events", "Hits", {"energy"}); }, f, {"int32"});
  }
  {
    const auto f = sampleCopy("wrong-shape.h5");
    std::vector<double> wide(hits.size() * 3, 1.0);
    replaceDataset(f, "events/Hits/energy", H5T_NATIVE_DOUBLE, {hits.size(), 3}, wide.data());
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"3 values per row, expected 1"});
  }
  {
    const auto f = sampleCopy("too-short.h5");
    std::vector<double> few(hits.begin(), hits.begin() + 2);
    replaceDataset(f, "events/Hits/energy", H5T_NATIVE_DOUBLE, {few.size()}, few.data());
    expectError([&] { podml::io::Reader({f}).readFrame("events", 3); }, f, {"the dataset has 2", "events/Hits/energy"});
    expectError([&] { podml::io::Reader({f}).readColumns("events", "Hits", {"energy"}); }, f, {"the dataset has 2"});
  }
  {
    const auto f = sampleCopy("missing-column.h5");
    {
      H5File h(f);
      ASSERT_GE(H5Ldelete(h.id, "events/Hits/energy", H5P_DEFAULT), 0);
    }
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"'energy' is missing"});
  }
  {
    const auto f = sampleCopy("offsets-too-short.h5");
    std::vector<uint64_t> two{0, 3};
    replaceDataset(f, "events/Hits/offsets", H5T_NATIVE_UINT64, {2}, two.data());
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"events/Hits/offsets"});
  }
  {
    // A group where a dataset belongs, and a dataset where a category group belongs.
    const auto f = sampleCopy("group-as-dataset.h5");
    {
      H5File h(f);
      ASSERT_GE(H5Ldelete(h.id, "events/Hits/present", H5P_DEFAULT), 0);
      H5Gclose(H5Gcreate2(h.id, "events/Hits/present", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    }
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"events/Hits/present"});
    const auto g = sampleCopy("dataset-as-category.h5");
    {
      H5File h(g);
      const uint8_t one = 1;
      const hsize_t n = 1;
      const hid_t space = H5Screate_simple(1, &n, nullptr);
      H5Dclose(H5Dcreate2(h.id, "bogus", H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      H5Sclose(space);
      (void)one;
    }
    expectError([&] { podml::io::Reader r({g}); }, g, {"bogus"});
  }
}

TEST(Failures, ImplausibleSizes) {
  // Entry counts and dataset sizes far beyond what the file can hold are rejected
  // before podml allocates memory for them.
  const auto f = sampleCopy("huge-entries.h5");
  {
    H5File h(f);
    const hid_t g = H5Gopen2(h.id, "events", H5P_DEFAULT);
    setUIntAttr(g, "entries", uint64_t(1) << 50);
    H5Gclose(g);
  }
  expectError([&] { podml::io::Reader r({f}); }, f, {"entry count", ":events"});
  const auto big = sampleCopy("huge-dataset.h5");
  {
    H5File h(big);
    // A chunked dataset of 2^33 rows whose chunks were never written: nearly no bytes on disk.
    ASSERT_GE(H5Ldelete(h.id, "events/Hits/energy", H5P_DEFAULT), 0);
    const hsize_t n = hsize_t(1) << 33, chunk = 1024;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Dclose(H5Dcreate2(h.id, "events/Hits/energy", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    H5Pclose(dcpl);
    H5Sclose(space);
    // Offsets that claim all those rows for entry 0.
    auto offs = readDataset<uint64_t>(big, "events/Hits/offsets", H5T_NATIVE_UINT64);
    for (std::size_t i = 1; i < offs.size(); ++i) {
      offs[i] = n;
    }
    overwriteDataset(big, "events/Hits/offsets", H5T_NATIVE_UINT64, offs);
  }
  expectError([&] { podml::io::Reader({big}).readColumns("events", "Hits", {"energy"}); }, big,
              {"events/Hits/energy", "more than the file"});
}

// A failed read must leave no half-filled cache behind: the same read again gives the same
// error (it once read a null buffer and crashed Python's retry).
TEST(Failures, RetryAfterAnErrorGivesTheSameError) {
  const auto f = sampleCopy("huge-parameter-offsets.h5");
  auto offs = readDataset<uint64_t>(f, "events/parameters_offsets", H5T_NATIVE_UINT64);
  ASSERT_GE(offs.size(), 2u);
  for (std::size_t i = 1; i < offs.size(); ++i) {
    offs[i] = (uint64_t(1) << 40) + i;
  }
  overwriteDataset(f, "events/parameters_offsets", H5T_NATIVE_UINT64, offs);
  podml::io::Reader reader({f});
  std::string first;
  for (int attempt = 0; attempt < 3; ++attempt) {
    SCOPED_TRACE(attempt);
    try {
      reader.readFrame("events", 0);
      ADD_FAILURE() << "read a frame whose parameters lie past the end of the file";
    } catch (const podml::IoError& e) {
      if (attempt == 0) {
        first = e.what();
        EXPECT_NE(first.find(f), std::string::npos) << first;
        EXPECT_NE(first.find("events/parameters"), std::string::npos) << first;
      }
      EXPECT_EQ(std::string(e.what()), first);
    }
  }
  // Collections of the same entry still read, through the same reader.
  EXPECT_EQ(reader.readColumns("events", "Hits", {"energy"}).offsets.size(), 5u);
}

TEST(Failures, DecreasingOffsets) {
  for (const std::string ds : {"events/Hits/offsets", "events/Everything/weights_offsets"}) {
    SCOPED_TRACE(ds);
    const auto f = sampleCopy("decreasing.h5");
    auto offs = readDataset<uint64_t>(f, ds, H5T_NATIVE_UINT64);
    ASSERT_GE(offs.size(), 4u);
    std::swap(offs[1], offs[2]);
    ASSERT_GT(offs[1], offs[2]);
    overwriteDataset(f, ds, H5T_NATIVE_UINT64, offs);
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"decrease at entry 1", ds});
    auto nonzero = offs;
    std::sort(nonzero.begin(), nonzero.end());
    nonzero[0] = 1;
    overwriteDataset(f, ds, H5T_NATIVE_UINT64, nonzero);
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"do not start at 0"});
  }
}

TEST(Failures, RangesPastTheValues) {
  const auto f = sampleCopy("ranges.h5");
  auto end = readDataset<uint32_t>(f, "events/Everything/weights_end", H5T_NATIVE_UINT32);
  end[0] = 1000;
  overwriteDataset(f, "events/Everything/weights_end", H5T_NATIVE_UINT32, end);
  expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f,
              {"cannot read entry 0", "range 0..1000 for 'weights'", "events/Everything"});
  // begin > end
  const auto g = sampleCopy("ranges-inverted.h5");
  auto begin = readDataset<uint32_t>(g, "events/Clusters/Hits_begin", H5T_NATIVE_UINT32);
  begin[0] = 2;
  overwriteDataset(g, "events/Clusters/Hits_begin", H5T_NATIVE_UINT32, begin);
  auto hend = readDataset<uint32_t>(g, "events/Clusters/Hits_end", H5T_NATIVE_UINT32);
  hend[0] = 1;
  overwriteDataset(g, "events/Clusters/Hits_end", H5T_NATIVE_UINT32, hend);
  expectError([&] { podml::io::Reader({g}).readFrame("events", 0); }, g, {"range 2..1 for 'Hits'"});
}

TEST(Failures, BadRelationIDs) {
  // Out-of-range index.
  {
    const auto f = sampleCopy("rel-index.h5");
    auto idx = readDataset<int32_t>(f, "events/Clusters/Hits.index", H5T_NATIVE_INT32);
    idx[1] = 999;
    overwriteDataset(f, "events/Clusters/Hits.index", H5T_NATIVE_INT32, idx);
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f,
                {"index 999 out of range", "events/Clusters", "entry 0"});
  }
  // Wrong type: the Hits relation points into the MCs collection.
  {
    const auto f = sampleCopy("rel-type.h5");
    auto cid = readDataset<uint32_t>(f, "events/Clusters/Hits.collectionID", H5T_NATIVE_UINT32);
    cid[0] = podml::collectionIDFromName("MCs");
    overwriteDataset(f, "events/Clusters/Hits.collectionID", H5T_NATIVE_UINT32, cid);
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"MC", "events/Clusters"});
  }
  // Subset references out of range.
  {
    const auto f = sampleCopy("subset-index.h5");
    auto idx = readDataset<int32_t>(f, "events/ClusterRefs/subset.index", H5T_NATIVE_INT32);
    idx[0] = 77;
    overwriteDataset(f, "events/ClusterRefs/subset.index", H5T_NATIVE_INT32, idx);
    expectError([&] { podml::io::Reader({f}).readFrame("events", 0); }, f, {"77", "events/ClusterRefs"});
  }
  // A collection that is not in the file: as in podio, a relation to a collection
  // that was not written (or not read) is not an error; the handle is unset.
  {
    const auto f = sampleCopy("rel-missing.h5");
    auto cid = readDataset<uint32_t>(f, "events/Everything/cluster.collectionID", H5T_NATIVE_UINT32);
    cid[0] = podml::collectionIDFromName("NotWritten");
    overwriteDataset(f, "events/Everything/cluster.collectionID", H5T_NATIVE_UINT32, cid);
    podml::io::Reader r({f});
    const auto frame = r.readFrame("events", 0);
    const auto& every = frame.get<ex::WithEverythingCollection>("Everything");
    EXPECT_FALSE(every[0].cluster().isAvailable());
    EXPECT_TRUE(every[0].particles(0).isAvailable()); // the other relations are intact
  }
}

TEST(Failures, CallerErrorsAreUsageErrors) {
  const auto f = sampleCopy("usage.h5");
  podml::io::Reader r({f});
  EXPECT_THROW(r.readFrame("events", 4), podml::UsageError);
  EXPECT_THROW(r.readFrame("nope", 0), podml::UsageError);
  EXPECT_THROW(r.readFrame("events", 0, {"Nope"}), podml::UsageError);
  EXPECT_THROW(r.readColumns("events", "Hits", {"energy"}, {2, 9}), podml::UsageError);
  EXPECT_THROW(r.readColumns("events", "ClusterRefs", {"energy"}), podml::UsageError);
  EXPECT_EQ(r.getEntries("nope"), 0u);
}

// ---- a writer that dies ----

TEST(Failures, UnfinishedWriterLeavesNothingUnderTheFinalName) {
  const auto file = podml::test::tmpPath("unfinished.h5");
  fs::remove(file);
  podml::io::WriterOptions opt;
  opt.flushEvents = 1000; // nothing flushed yet
  auto w = std::make_unique<podml::io::Writer>(file, opt);
  w->writeFrame(makeFrame(0), "events");
  EXPECT_FALSE(fs::exists(file));
  EXPECT_NE(w->temporaryFile(), file);
  w->finish();
  EXPECT_TRUE(fs::exists(file));
  EXPECT_NO_THROW(readEverything(file));
}

namespace {

// Runs `child` in a forked process that then dies without unwinding (SIGKILL
// from the parent after `killAfter`, or _exit when it returns first).
void inChild(const std::function<void()>& child, std::chrono::milliseconds killAfter) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      child();
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0); // no destructors run
  }
  if (killAfter.count() > 0) {
    std::this_thread::sleep_for(killAfter);
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << "the child failed before dying";
}

std::vector<fs::path> temporaries(const std::string& file) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(file).parent_path())) {
    if (e.path().filename().string().rfind(fs::path(file).filename().string() + ".podml-tmp-", 0) == 0) {
      out.push_back(e.path());
    }
  }
  return out;
}

// Every frame readable from a crashed writer's file must be the frame written.
void checkRecovered(const fs::path& tmp, std::size_t* entries, bool* threw) {
  *entries = 0;
  *threw = false;
  try {
    podml::io::Reader r({tmp.string()});
    *entries = r.getEntries("events");
    for (std::size_t i = 0; i < *entries; ++i) {
      const auto f = r.readFrame("events", i);
      const auto expected = makeFrame(static_cast<int>(i));
      ASSERT_EQ(f.getParameter<int>("event").value_or(-1), static_cast<int>(i));
      const auto& hits = f.get<ExampleHitCollection>("Hits");
      ASSERT_EQ(hits.size(), expected.get<ExampleHitCollection>("Hits").size());
      for (std::size_t k = 0; k < hits.size(); ++k) {
        ASSERT_EQ(hits[k].energy(), expected.get<ExampleHitCollection>("Hits")[k].energy());
      }
      ASSERT_EQ(f.get<ex::ClusterCollection>("Clusters")[0].Hits(1), hits[2]);
      ASSERT_EQ(f.get<ex::WithEverythingCollection>("Everything")[0].weights(0), 0.5 + static_cast<double>(i));
    }
  } catch (const podml::IoError& e) {
    *threw = true;
    EXPECT_NE(std::string(e.what()).find(tmp.string()), std::string::npos) << e.what();
  }
}

} // namespace

TEST(Failures, CrashedWriterKeepsFlushedFrames) {
  // The child writes 5 frames with a flush every 2 and dies without finish():
  // nothing under the final name; the temporary file holds the 4 flushed frames.
  const auto file = podml::test::tmpPath("crashed.h5");
  fs::remove(file);
  for (const auto& t : temporaries(file)) {
    fs::remove(t);
  }
  inChild(
      [&] {
        podml::io::WriterOptions opt;
        opt.flushEvents = 2;
        podml::io::Writer w(file, opt);
        for (int e = 0; e < 5; ++e) {
          w.writeFrame(makeFrame(e), "events");
        }
        ::_exit(0); // dies here: the Writer's destructor (which would abandon the file) never runs
      },
      std::chrono::milliseconds(0));
  EXPECT_FALSE(fs::exists(file));
  const auto tmps = temporaries(file);
  ASSERT_EQ(tmps.size(), 1u);
  std::size_t entries = 0;
  bool threw = false;
  checkRecovered(tmps[0], &entries, &threw);
  EXPECT_FALSE(threw);
  EXPECT_EQ(entries, 4u);
  fs::remove(tmps[0]);
}

TEST(Failures, WriterKilledAtRandomMomentsNeverLeavesWrongData) {
  // SIGKILL in the middle of writing (possibly inside an HDF5 flush): the final
  // name never exists, and the temporary file either fails with IoError or reads
  // frames that are exactly the ones written.
  const auto file = podml::test::tmpPath("killed.h5");
  int readable = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    fs::remove(file);
    for (const auto& t : temporaries(file)) {
      fs::remove(t);
    }
    inChild(
        [&] {
          podml::io::WriterOptions opt;
          opt.flushEvents = 3;
          opt.chunkRows = 16;
          podml::io::Writer w(file, opt);
          for (int e = 0;; ++e) {
            w.writeFrame(makeFrame(e), "events");
          }
        },
        std::chrono::milliseconds(150 + 37 * attempt));
    EXPECT_FALSE(fs::exists(file));
    for (const auto& t : temporaries(file)) {
      std::size_t entries = 0;
      bool threw = false;
      checkRecovered(t, &entries, &threw);
      readable += threw ? 0 : 1;
      fs::remove(t);
    }
  }
  EXPECT_GT(readable, 0) << "no killed writer left a readable temporary file";
  std::printf("killed writers: %d of 8 temporary files readable, every frame in them correct\n", readable);
}

// ---- inputs found by the fuzzer (fuzz/regressions/) ----

TEST(Failures, FuzzRegressions) {
  const fs::path dir = PODML_FUZZ_REGRESSIONS_DIR;
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".md") {
      continue;
    }
    ++n;
    const auto f = podml::test::tmpPath("regression-" + e.path().filename().string());
    fs::copy_file(e.path(), f, fs::copy_options::overwrite_existing);
    expectError([&] { readEverything(f); }, f, {});
  }
  EXPECT_GT(n, 0u);
}

TEST(Failures, ColumnReadsTouchOnlyTheRequestedDatasets) {
  // Delete every dataset of Hits but `energy` and `offsets`: a bulk read of energy
  // still works (it reads nothing else), a frame read names what is missing.
  const auto f = sampleCopy("only-energy.h5");
  {
    H5File h(f);
    const hid_t g = H5Gopen2(h.id, "events/Hits", H5P_DEFAULT);
    std::vector<std::string> names;
    H5Literate(
        g, H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
          static_cast<std::vector<std::string>*>(data)->emplace_back(name);
          return 0;
        },
        &names);
    for (const auto& n : names) {
      if (n != "energy" && n != "offsets" && n != "present") {
        H5Ldelete(g, n.c_str(), H5P_DEFAULT);
      }
    }
    H5Gclose(g);
  }
  podml::io::Reader r({f});
  const auto batch = r.readColumns("events", "Hits", {"energy"});
  EXPECT_EQ(batch.columns.at(0).size(), batch.offsets.back());
  EXPECT_GT(batch.columns.at(0).size(), 0u);
  expectError([&] { (void)r.readFrame("events", 0, {"Hits"}); }, f, {"missing"});
}

TEST(Failures, FilesThatCrashHdf5AreReportedNotFatal) {
  // Inputs on which libhdf5 1.10 itself crashes (fuzz/known-hdf5-crashers): the
  // reader's probe opens them in a child process first and reports the crash.
  const std::filesystem::path dir = PODML_FUZZ_REGRESSIONS_DIR "/../known-hdf5-crashers";
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".h5") {
      continue;
    }
    ++n;
    const auto f = entry.path().string();
    expectError([&] { readEverything(f); }, f, {"cannot"});
  }
  EXPECT_GE(n, 20u);
}

namespace {

// Reads `file` entirely with the given probe depth.
void readEverythingProbed(const std::string& file, podml::io::Probe depth) {
  podml::io::ReaderOptions options;
  options.probe = depth;
  readEverything(file, options);
}

std::size_t threadCount() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/task")) {
    ++n;
  }
  return n;
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  std::string name;
  explicit ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

// An executable shell script standing in for the probe helper.
std::string fakeHelper(const std::string& name, const std::string& body) {
  const auto f = podml::test::tmpPath(name);
  {
    std::ofstream out(f, std::ios::trunc);
    out << "#!/bin/sh\n" << body << "\n";
  }
  fs::permissions(f, fs::perms::owner_all);
  return f;
}

} // namespace

TEST(Failures, FilesThatCrashHdf5AreReportedFromAThreadedProcess) {
  // The probe helper is a separate program started with posix_spawn, so it also runs
  // in a multi-threaded process (where a fork could inherit a held lock and is not
  // used). Another thread is alive throughout; the files are read from a second thread.
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread idle([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
  });
  const fs::path dir = PODML_FUZZ_REGRESSIONS_DIR "/../known-hdf5-crashers";
  std::atomic<std::size_t> n{0};
  std::thread reader([&] {
    EXPECT_GE(threadCount(), 3u);
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".h5") {
        continue;
      }
      ++n;
      const auto f = entry.path().string();
      for (const auto depth : {podml::io::Probe::Metadata, podml::io::Probe::Full}) {
        expectError([&] { readEverythingProbed(f, depth); }, f, {"cannot"});
      }
    }
  });
  reader.join();
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  idle.join();
  EXPECT_GE(n.load(), 20u);
}

TEST(Failures, FullProbeReadsAGoodFile) {
  const auto f = sampleCopy("full-probe.h5");
  EXPECT_NO_THROW(readEverythingProbed(f, podml::io::Probe::Full));
  EXPECT_NO_THROW(readEverythingProbed(f, podml::io::Probe::Off));
}

TEST(Failures, ProbeCrashHangAndMissingHelperAreReported) {
  const auto f = sampleCopy("fake-probe.h5");
  {
    // A helper that dies from a signal: the file counts as one that crashes libhdf5.
    ScopedEnv env("PODML_PROBE", fakeHelper("crashing-probe.sh", "kill -SEGV $$"));
    expectError([&] { podml::io::Reader r({f}); }, f, {"libhdf5 crashed reading it", "signal 11", "corrupt"});
  }
  {
    // A helper that does not finish within the time limit is killed.
    ScopedEnv env("PODML_PROBE", fakeHelper("hanging-probe.sh", "exec sleep 30"));
    podml::io::ReaderOptions options;
    options.probeTimeoutSeconds = 1;
    const auto start = std::chrono::steady_clock::now();
    expectError([&] { podml::io::Reader r({f}, options); }, f, {"did not finish reading it within 1 s"});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  }
  {
    // An ordinary error in the helper is left to the in-process reader.
    ScopedEnv env("PODML_PROBE", fakeHelper("failing-probe.sh", "echo 'podml-probe: error: whatever' >&2; exit 1"));
    EXPECT_NO_THROW(readEverythingProbed(f, podml::io::Probe::Metadata));
  }
  {
    // Exit code 1 without the helper's marker is a sanitizer's report, not an error.
    ScopedEnv env("PODML_PROBE", fakeHelper("asan-probe.sh", "echo 'SUMMARY: AddressSanitizer: SEGV in H5F__accum_read' >&2; exit 1"));
    expectError([&] { podml::io::Reader r({f}); }, f, {"libhdf5 failed reading it", "exit code 1", "H5F__accum_read"});
  }
  {
    ScopedEnv env("PODML_PROBE", podml::test::tmpPath("no-such-probe"));
    expectError<podml::UsageError>([&] { podml::io::Reader r({f}); }, "no-such-probe", {"PODML_PROBE"});
  }
  // No probe at all: the helper is not consulted.
  ScopedEnv env("PODML_PROBE", podml::test::tmpPath("no-such-probe"));
  EXPECT_NO_THROW(readEverythingProbed(f, podml::io::Probe::Off));
}
