// The container format of every model artifact (docs/artifacts.md):
//
//   header (64 bytes): magic "SESSREC\0", kind[8], version u32, num_sections u32,
//                      payload_bytes u64, payload_crc32 u32, header_crc32 u32 (over all 64 bytes, this field as 0), zero padding
//   section table:     num_sections x {name[24], offset u64, bytes u64, elem_size u32, pad u32}
//   section data:      each section 64-byte aligned; offsets are from the start of the file
//
// The payload (everything after the header) is covered by a CRC-32 (zlib). The reader
// validates magic, kind, version, sizes and CRC before handing out any span, and every
// section access is bounds- and type-checked. Sections are little-endian PODs.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.h"
#include "io/mapped_file.h"

namespace sessionrec {

inline constexpr size_t kArtifactHeaderBytes = 64;
inline constexpr size_t kSectionEntryBytes = 48;
inline constexpr size_t kSectionNameBytes = 24;
inline constexpr size_t kSectionAlign = 64;

// Collects sections that point into caller-owned memory, then writes them in one pass.
// The memory behind every added span must outlive Write(). Write() goes to `path.tmp`
// and renames over `path`, so a crash never leaves a half-written artifact behind.
class ArtifactWriter {
 public:
  ArtifactWriter(std::string_view kind, uint32_t version);

  template <typename T>
  void Add(std::string_view name, std::span<const T> data) {
    static_assert(std::is_trivially_copyable_v<T>);
    AddRaw(name, reinterpret_cast<const uint8_t*>(data.data()), data.size_bytes(), sizeof(T));
  }
  template <typename T>
  void Add(std::string_view name, const std::vector<T>& data) {
    Add(name, std::span<const T>(data));
  }
  // A text section (e.g. "meta": JSON describing parameters and statistics).
  void AddText(std::string_view name, std::string text);

  Status Write(const std::string& path) const;

 private:
  struct Section {
    std::string name;
    const uint8_t* data;
    uint64_t bytes;
    uint32_t elem_size;
  };
  void AddRaw(std::string_view name, const uint8_t* data, uint64_t bytes, uint32_t elem_size);

  std::string kind_;
  uint32_t version_;
  std::vector<Section> sections_;
  std::deque<std::string> owned_text_;
};

// Summary of one section, for `inspect`.
struct SectionInfo {
  std::string name;
  uint64_t offset;
  uint64_t bytes;
  uint32_t elem_size;
};

// A validated, memory-mapped artifact. Move-only. Spans stay valid while it lives.
class Artifact {
 public:
  // Opens and validates `path`. `kind` must match (empty accepts any kind); versions
  // above `max_version` are rejected as "newer than this build".
  static StatusOr<Artifact> Open(const std::string& path, std::string_view kind,
                                 uint32_t max_version);

  const std::string& path() const { return file_.path(); }
  const std::string& kind() const { return kind_; }
  uint32_t version() const { return version_; }
  uint64_t file_bytes() const { return file_.bytes().size(); }
  uint32_t crc32() const { return crc_; }
  const std::vector<SectionInfo>& sections() const { return sections_; }
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // The section `name` as an array of T; error if missing or of another element size.
  template <typename T>
  StatusOr<std::span<const T>> Get(std::string_view name) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const SectionInfo* s = Find(name);
    if (s == nullptr) return Missing(name);
    if (s->elem_size != sizeof(T) || s->bytes % sizeof(T) != 0) return WrongType(name, sizeof(T));
    return std::span<const T>(reinterpret_cast<const T*>(file_.bytes().data() + s->offset),
                              s->bytes / sizeof(T));
  }
  StatusOr<std::string_view> GetText(std::string_view name) const;

 private:
  const SectionInfo* Find(std::string_view name) const;
  Status Missing(std::string_view name) const;
  Status WrongType(std::string_view name, size_t want) const;

  MappedFile file_;
  std::string kind_;
  uint32_t version_ = 0;
  uint32_t crc_ = 0;
  std::vector<SectionInfo> sections_;
};

// Reads only the header of any artifact (for `inspect` and kind sniffing).
StatusOr<std::string> SniffArtifactKind(const std::string& path);

}  // namespace sessionrec
