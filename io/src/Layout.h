#pragma once
// Names of the objects in a podml HDF5 file (format version 1); the normative
// description is docs/file-format.md. Shared by the writer and the reader.

#include <string>

namespace podml::io::layout {

inline constexpr const char* kFormatVersionAttr = "podml_format_version";
inline constexpr const char* kProducerAttr = "podml_producer";
inline constexpr const char* kDataModels = "podml_datamodels";       // uint8 dataset: JSON object name -> definition
inline constexpr const char* kEntriesAttr = "entries";               // on a category group
inline constexpr const char* kParameters = "parameters";             // uint8: per-entry JSON documents, concatenated
inline constexpr const char* kParameterOffsets = "parameters_offsets"; // uint64 [entries+1] byte offsets into parameters

// Collection group attributes.
inline constexpr const char* kTypeAttr = "type";
inline constexpr const char* kCollectionTypeAttr = "collection_type";
inline constexpr const char* kDataModelAttr = "datamodel";
inline constexpr const char* kSchemaVersionAttr = "schema_version";
inline constexpr const char* kCollectionIDAttr = "collection_id";
inline constexpr const char* kSubsetAttr = "subset";
inline constexpr const char* kTypeHashAttr = "type_hash";

// Collection group datasets besides the columns.
inline constexpr const char* kPresent = "present";   // uint8 [entries]
inline constexpr const char* kOffsets = "offsets";   // uint64 [entries+1], rows of each entry
inline constexpr const char* kSubsetName = "subset"; // subset.index / subset.collectionID

/// Per-entry offsets of the values of a vector member or one-to-many relation.
inline std::string raggedOffsets(const std::string& owner) { return owner + "_offsets"; }
/// ObjectID index of a relation's targets.
inline std::string relationIndex(const std::string& relation) { return relation + ".index"; }
/// ObjectID collection ID of a relation's targets.
inline std::string relationCollection(const std::string& relation) { return relation + ".collectionID"; }

} // namespace podml::io::layout
