#pragma once
// Thin RAII and error-checking layer over the HDF5 C API, private to the io library.

#include "podml/DType.h"
#include "podml/Exceptions.h"

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace podml::io::h5 {

/// Owns one HDF5 identifier and closes it with the right function.
class Hid {
public:
  Hid() = default;
  explicit Hid(hid_t id) : m_id(id) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& o) noexcept : m_id(std::exchange(o.m_id, H5I_INVALID_HID)) {}
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      close();
      m_id = std::exchange(o.m_id, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Hid() { close(); }
  hid_t get() const { return m_id; }
  bool valid() const { return m_id >= 0; }
  void close() noexcept;
  /// Gives up ownership: the caller closes the identifier.
  hid_t release() noexcept { return std::exchange(m_id, H5I_INVALID_HID); }

private:
  hid_t m_id{H5I_INVALID_HID};
};

/// Silences HDF5's own error printing (podml reports errors itself); idempotent.
void silenceErrors();

/// The innermost message of HDF5's error stack of this thread (then cleared).
std::string lastError();
/// Throws IoError "<what>: <why> (<file>[:<path>])" if `status` < 0.
void check(herr_t status, const std::string& what, const std::string& file, const std::string& path = {});
/// Same for a returned identifier; returns it wrapped.
Hid checkId(hid_t id, const std::string& what, const std::string& file, const std::string& path = {});

/// HDF5 native type of a podml dtype (ObjectID is not stored as such).
hid_t nativeType(DType t);
/// podml dtype of an HDF5 dataset type; throws IoError if it is not one podml writes.
DType dtypeOf(hid_t type, const std::string& file, const std::string& path);

/// Whether a link `name` exists in `loc`.
bool exists(hid_t loc, const std::string& name);
/// Names of the links in a group, sorted by name.
std::vector<std::string> children(hid_t group, const std::string& file, const std::string& path);

/// Writes a scalar attribute.
void writeAttr(hid_t loc, const std::string& name, uint64_t value, const std::string& file);
/// Writes a string attribute (variable length, UTF-8).
void writeAttr(hid_t loc, const std::string& name, const std::string& value, const std::string& file);
/// Reads an integer attribute; throws IoError if missing or not an integer.
uint64_t readUIntAttr(hid_t loc, const std::string& name, const std::string& file, const std::string& path);
/// Reads a string attribute; throws IoError if missing or not a string.
std::string readStringAttr(hid_t loc, const std::string& name, const std::string& file, const std::string& path);
/// Whether attribute `name` exists on `loc`.
bool hasAttr(hid_t loc, const std::string& name);

} // namespace podml::io::h5
