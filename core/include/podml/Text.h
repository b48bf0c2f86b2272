#pragma once
/// \file Text.h
/// Checks on text: the byte-level check every podml text reader (data model YAML, training
/// specs, model cards) makes before parsing (the file must be UTF-8 text), and the names
/// podml writes into files. yaml-cpp otherwise reports a
/// NUL as "unknown escape character" with the NUL inside its message, which cut the
/// message (and the file name after it) short.

#include <cstddef>
#include <string>
#include <string_view>

namespace podml {

/// Length of the well-formed UTF-8 sequence starting at text[i]: 1 for ASCII, 2 to 4 for a
/// multi-byte sequence, 0 if the bytes there are not UTF-8 (overlong forms, surrogates and
/// code points above U+10FFFF included). `i` must be below text.size().
std::size_t utf8SequenceLength(std::string_view text, std::size_t i);

/// Throws DefinitionError "cannot read WHAT: REASON (FILE:LINE:COLUMN)" if `text` has a byte
/// that is not UTF-8, a NUL or another control character (tab, newline and carriage return
/// aside), or starts with a UTF-16 or UTF-32 byte order mark. A UTF-8 byte order mark is fine.
void requireUtf8Text(std::string_view text, const std::string& what, const std::string& file);

/// Why `name` cannot name a collection or a category in a podml file, or "" if it can: it
/// must not be empty, `.` or `..`, nor hold `/` (HDF5's path separator) or a control character.
std::string collectionNameProblem(std::string_view name);

} // namespace podml
