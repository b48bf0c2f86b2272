#include "H5.h"

#include <algorithm>
#include <mutex>

namespace podml::io::h5 {

void Hid::close() noexcept {
  if (m_id < 0) {
    return;
  }
  switch (H5Iget_type(m_id)) {
  case H5I_FILE:
    H5Fclose(m_id);
    break;
  case H5I_GROUP:
    H5Gclose(m_id);
    break;
  case H5I_DATASET:
    H5Dclose(m_id);
    break;
  case H5I_DATASPACE:
    H5Sclose(m_id);
    break;
  case H5I_DATATYPE:
    H5Tclose(m_id);
    break;
  case H5I_ATTR:
    H5Aclose(m_id);
    break;
  case H5I_GENPROP_LST:
    H5Pclose(m_id);
    break;
  default:
    break;
  }
  m_id = H5I_INVALID_HID;
}

void silenceErrors() {
  // Per thread: a thread-safe libhdf5 (Debian's) keeps one error stack, with its own
  // printing switch, per thread.
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

namespace {
std::string context(const std::string& file, const std::string& path) {
  return " (" + file + (path.empty() ? "" : ":" + path) + ")";
}

} // namespace

std::string lastError() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        auto* r = static_cast<std::string*>(data);
        if (err->desc != nullptr) {
          *r = err->desc;
        }
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  // The POSIX driver's messages run over several lines (time, descriptor, buffer address);
  // keep what a user acts on: "file write failed: No space left on device".
  const std::string key = "error message = '";
  if (const auto at = reason.find(key); at != std::string::npos) {
    const auto from = at + key.size();
    const auto to = reason.find('\'', from);
    const auto colon = reason.find(':');
    if (to != std::string::npos && colon != std::string::npos && colon < at) {
      reason = reason.substr(0, colon) + ": " + reason.substr(from, to - from);
    }
  }
  return reason.empty() ? "HDF5 error" : reason;
}

namespace {
std::string hdf5Reason() { return lastError(); }
} // namespace

void check(herr_t status, const std::string& what, const std::string& file, const std::string& path) {
  if (status < 0) {
    throw IoError(what + ": " + hdf5Reason() + context(file, path));
  }
}

Hid checkId(hid_t id, const std::string& what, const std::string& file, const std::string& path) {
  if (id < 0) {
    throw IoError(what + ": " + hdf5Reason() + context(file, path));
  }
  return Hid(id);
}

hid_t nativeType(DType t) {
  switch (t) {
  case DType::Bool:
  case DType::UInt8:
    return H5T_NATIVE_UINT8;
  case DType::Int8:
    return H5T_NATIVE_INT8;
  case DType::Int16:
    return H5T_NATIVE_INT16;
  case DType::UInt16:
    return H5T_NATIVE_UINT16;
  case DType::Int32:
    return H5T_NATIVE_INT32;
  case DType::UInt32:
    return H5T_NATIVE_UINT32;
  case DType::Int64:
    return H5T_NATIVE_INT64;
  case DType::UInt64:
  case DType::ObjectID:
    return H5T_NATIVE_UINT64;
  case DType::Float32:
    return H5T_NATIVE_FLOAT;
  case DType::Float64:
    return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_UINT8;
}

DType dtypeOf(hid_t type, const std::string& file, const std::string& path) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT) {
    if (size == 4) {
      return DType::Float32;
    }
    if (size == 8) {
      return DType::Float64;
    }
  } else if (cls == H5T_INTEGER) {
    const bool sign = H5Tget_sign(type) == H5T_SGN_2;
    switch (size) {
    case 1:
      return sign ? DType::Int8 : DType::UInt8;
    case 2:
      return sign ? DType::Int16 : DType::UInt16;
    case 4:
      return sign ? DType::Int32 : DType::UInt32;
    case 8:
      return sign ? DType::Int64 : DType::UInt64;
    default:
      break;
    }
  }
  throw IoError("cannot read dataset: element type is not one podml writes" + context(file, path));
}

bool exists(hid_t loc, const std::string& name) { return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0; }

std::vector<std::string> children(hid_t group, const std::string& file, const std::string& path) {
  std::vector<std::string> names;
  // H5_ITER_NATIVE walks the link index as stored. An ordered walk (H5_ITER_INC) of a
  // group with dense link storage first builds a table of links whose size comes from
  // the group's header; in a corrupt file HDF5 1.10 then frees table entries it never
  // filled (a crash found by fuzz/fuzz_reader.cc). podml sorts the names itself.
  const herr_t st = H5Literate(
      group, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  check(st, "cannot list group", file, path);
  std::sort(names.begin(), names.end());
  return names;
}

void writeAttr(hid_t loc, const std::string& name, uint64_t value, const std::string& file) {
  Hid space = checkId(H5Screate(H5S_SCALAR), "cannot create dataspace", file);
  if (hasAttr(loc, name)) {
    H5Adelete(loc, name.c_str());
  }
  Hid attr = checkId(H5Acreate2(loc, name.c_str(), H5T_NATIVE_UINT64, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                     "cannot create attribute '" + name + "'", file);
  check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), "cannot write attribute '" + name + "'", file);
}

void writeAttr(hid_t loc, const std::string& name, const std::string& value, const std::string& file) {
  Hid space = checkId(H5Screate(H5S_SCALAR), "cannot create dataspace", file);
  // Fixed-length strings: podml files hold no variable-length data, so the reader never
  // touches HDF5's global heap, whose decoding crashes HDF5 1.10 on corrupt files.
  Hid type = checkId(H5Tcopy(H5T_C_S1), "cannot create string type", file);
  H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  if (hasAttr(loc, name)) {
    H5Adelete(loc, name.c_str());
  }
  Hid attr = checkId(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                     "cannot create attribute '" + name + "'", file);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(attr.get(), type.get(), padded.data()), "cannot write attribute '" + name + "'", file);
}

bool hasAttr(hid_t loc, const std::string& name) { return H5Aexists(loc, name.c_str()) > 0; }

uint64_t readUIntAttr(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  if (!hasAttr(loc, name)) {
    throw IoError("cannot read attribute '" + name + "': missing" + context(file, path));
  }
  Hid attr = checkId(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "cannot open attribute '" + name + "'", file, path);
  Hid type = checkId(H5Aget_type(attr.get()), "cannot read attribute type", file, path);
  Hid space = checkId(H5Aget_space(attr.get()), "cannot read attribute space", file, path);
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw IoError("cannot read attribute '" + name + "': not a scalar integer" + context(file, path));
  }
  uint64_t v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &v), "cannot read attribute '" + name + "'", file, path);
  return v;
}

std::string readStringAttr(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  if (!hasAttr(loc, name)) {
    throw IoError("cannot read attribute '" + name + "': missing" + context(file, path));
  }
  Hid attr = checkId(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "cannot open attribute '" + name + "'", file, path);
  Hid type = checkId(H5Aget_type(attr.get()), "cannot read attribute type", file, path);
  Hid space = checkId(H5Aget_space(attr.get()), "cannot read attribute space", file, path);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1) {
    throw IoError("cannot read attribute '" + name + "': not a string" + context(file, path));
  }
  if (H5Tis_variable_str(type.get()) != 0) {
    // podml writes none; reading one would decode HDF5's global heap (see writeAttr).
    throw IoError("cannot read attribute '" + name + "': a variable-length string, which podml files do not use" +
                  context(file, path));
  }
  const std::size_t n = H5Tget_size(type.get());
  if (n == 0 || n > (std::size_t(1) << 20)) {
    throw IoError("cannot read attribute '" + name + "': bad string size" + context(file, path));
  }
  std::string out(n, '\0');
  check(H5Aread(attr.get(), type.get(), out.data()), "cannot read attribute '" + name + "'", file, path);
  out.resize(out.find('\0') == std::string::npos ? n : out.find('\0'));
  return out;
}

} // namespace podml::io::h5
