#include "io/artifact.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

constexpr char kMagic[8] = {'S', 'E', 'S', 'S', 'R', 'E', 'C', '\0'};

uint64_t AlignUp(uint64_t x) { return (x + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

template <typename T>
void PutLE(uint8_t* dst, T v) {
  std::memcpy(dst, &v, sizeof(T));  // the formats are little-endian; so is every target
}
template <typename T>
T GetLE(const uint8_t* src) {
  T v;
  std::memcpy(&v, src, sizeof(T));
  return v;
}

uint32_t Crc(uint32_t crc, const uint8_t* data, uint64_t n) {
  while (n > 0) {
    uInt chunk = static_cast<uInt>(std::min<uint64_t>(n, 1u << 30));
    crc = static_cast<uint32_t>(::crc32(crc, data, chunk));
    data += chunk;
    n -= chunk;
  }
  return crc;
}

// CRC of all 64 header bytes with the header-CRC field itself taken as zero.
uint32_t HeaderCrc(const uint8_t* header) {
  uint8_t copy[kArtifactHeaderBytes];
  std::memcpy(copy, header, sizeof(copy));
  std::memset(copy + 36, 0, 4);
  return static_cast<uint32_t>(::crc32(0, copy, sizeof(copy)));
}

std::string KindField(std::string_view kind) {
  std::string k(kind.substr(0, 8));
  k.resize(8, '\0');
  return k;
}

std::string TrimNul(const char* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  return std::string(p, len);
}

}  // namespace

ArtifactWriter::ArtifactWriter(std::string_view kind, uint32_t version)
    : kind_(KindField(kind)), version_(version) {}

void ArtifactWriter::AddRaw(std::string_view name, const uint8_t* data, uint64_t bytes,
                            uint32_t elem_size) {
  SR_CHECK(name.size() < kSectionNameBytes);
  sections_.push_back({std::string(name), data, bytes, elem_size});
}

void ArtifactWriter::AddText(std::string_view name, std::string text) {
  // A deque never moves its elements, so the string's buffer stays where it is.
  const std::string& t = owned_text_.emplace_back(std::move(text));
  AddRaw(name, reinterpret_cast<const uint8_t*>(t.data()), t.size(), 1);
}

Status ArtifactWriter::Write(const std::string& path) const {
  // Lay out the payload: section table, then each section aligned.
  const uint64_t table_end = kArtifactHeaderBytes + sections_.size() * kSectionEntryBytes;
  std::vector<uint64_t> offsets(sections_.size());
  uint64_t pos = AlignUp(table_end);
  for (size_t i = 0; i < sections_.size(); ++i) {
    offsets[i] = pos;
    pos = AlignUp(pos + sections_[i].bytes);
  }
  const uint64_t file_bytes = pos;

  std::vector<uint8_t> table(table_end - kArtifactHeaderBytes, 0);
  for (size_t i = 0; i < sections_.size(); ++i) {
    uint8_t* e = table.data() + i * kSectionEntryBytes;
    std::memcpy(e, sections_[i].name.data(), sections_[i].name.size());
    PutLE<uint64_t>(e + 24, offsets[i]);
    PutLE<uint64_t>(e + 32, sections_[i].bytes);
    PutLE<uint32_t>(e + 40, sections_[i].elem_size);
  }

  const std::string tmp = path + ".tmp";
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!f) return absl::InternalError(StrCat(tmp, ": cannot create: ", std::strerror(errno)));
  static const uint8_t kZeros[kSectionAlign] = {};
  uint32_t crc = static_cast<uint32_t>(::crc32(0, nullptr, 0));
  bool ok = true;
  auto emit = [&](const uint8_t* p, uint64_t n) {
    if (n == 0) return;
    crc = Crc(crc, p, n);
    ok = ok && std::fwrite(p, 1, n, f.get()) == n;
  };
  uint8_t header[kArtifactHeaderBytes] = {};
  ok = std::fwrite(header, 1, sizeof(header), f.get()) == sizeof(header);  // placeholder
  emit(table.data(), table.size());
  uint64_t written = table_end;
  for (size_t i = 0; i < sections_.size(); ++i) {
    emit(kZeros, offsets[i] - written);
    const Section& s = sections_[i];
    emit(s.data, s.bytes);
    written = offsets[i] + s.bytes;
  }
  emit(kZeros, file_bytes - written);

  std::memcpy(header, kMagic, 8);
  std::memcpy(header + 8, kind_.data(), 8);
  PutLE<uint32_t>(header + 16, version_);
  PutLE<uint32_t>(header + 20, static_cast<uint32_t>(sections_.size()));
  PutLE<uint64_t>(header + 24, file_bytes - kArtifactHeaderBytes);
  PutLE<uint32_t>(header + 32, crc);
  PutLE<uint32_t>(header + 36, HeaderCrc(header));
  ok = ok && std::fseek(f.get(), 0, SEEK_SET) == 0 &&
       std::fwrite(header, 1, sizeof(header), f.get()) == sizeof(header);
  ok = ok && std::fflush(f.get()) == 0;
  if (std::fclose(f.release()) != 0) ok = false;
  if (!ok) {
    std::remove(tmp.c_str());
    return absl::InternalError(StrCat(tmp, ": write failed (disk full?)"));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(StrCat(path, ": rename failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

StatusOr<Artifact> Artifact::Open(const std::string& path, std::string_view kind,
                                  uint32_t max_version) {
  SR_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::span<const uint8_t> b = file.bytes();
  if (b.size() < kArtifactHeaderBytes || std::memcmp(b.data(), kMagic, 8) != 0) {
    return absl::DataLossError(StrCat(path, ": not a sessionrec artifact (bad magic)"));
  }
  const uint8_t* h = b.data();
  if (GetLE<uint32_t>(h + 36) != HeaderCrc(h)) {
    return absl::DataLossError(StrCat(path, ": corrupt header (CRC mismatch)"));
  }
  Artifact a;
  a.kind_ = TrimNul(reinterpret_cast<const char*>(h + 8), 8);
  a.version_ = GetLE<uint32_t>(h + 16);
  const uint32_t num_sections = GetLE<uint32_t>(h + 20);
  const uint64_t payload = GetLE<uint64_t>(h + 24);
  a.crc_ = GetLE<uint32_t>(h + 32);
  if (!kind.empty() && a.kind_ != kind) {
    return absl::InvalidArgumentError(
        StrCat(path, ": artifact kind is '", a.kind_, "', expected '", kind, "'"));
  }
  if (a.version_ == 0 || a.version_ > max_version) {
    return absl::FailedPreconditionError(StrCat(
        path, ": format version ", a.version_, " is not supported (this build reads up to ",
        max_version, ")"));
  }
  if (payload != b.size() - kArtifactHeaderBytes) {
    return absl::DataLossError(StrCat(path, ": truncated or padded: header says ", payload,
                                            " payload bytes, file has ",
                                            b.size() - kArtifactHeaderBytes));
  }
  if (static_cast<uint64_t>(num_sections) * kSectionEntryBytes > payload) {
    return absl::DataLossError(StrCat(path, ": section table larger than the file"));
  }
  if (Crc(static_cast<uint32_t>(::crc32(0, nullptr, 0)), h + kArtifactHeaderBytes, payload) !=
      a.crc_) {
    return absl::DataLossError(StrCat(path, ": corrupt (payload CRC mismatch)"));
  }
  for (uint32_t i = 0; i < num_sections; ++i) {
    const uint8_t* e = h + kArtifactHeaderBytes + i * kSectionEntryBytes;
    SectionInfo s;
    s.name = TrimNul(reinterpret_cast<const char*>(e), kSectionNameBytes);
    s.offset = GetLE<uint64_t>(e + 24);
    s.bytes = GetLE<uint64_t>(e + 32);
    s.elem_size = GetLE<uint32_t>(e + 40);
    if (s.offset > b.size() || s.bytes > b.size() - s.offset || s.offset % kSectionAlign != 0 ||
        s.elem_size == 0) {
      return absl::DataLossError(StrCat(path, ": section '", s.name, "' out of bounds"));
    }
    a.sections_.push_back(std::move(s));
  }
  a.file_ = std::move(file);
  return a;
}

const SectionInfo* Artifact::Find(std::string_view name) const {
  for (const SectionInfo& s : sections_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Status Artifact::Missing(std::string_view name) const {
  return absl::DataLossError(StrCat(path(), ": section '", name, "' is missing"));
}

Status Artifact::WrongType(std::string_view name, size_t want) const {
  return absl::DataLossError(
      StrCat(path(), ": section '", name, "' does not hold ", want, "-byte elements"));
}

StatusOr<std::string_view> Artifact::GetText(std::string_view name) const {
  SR_ASSIGN_OR_RETURN(auto bytes, Get<char>(name));
  return std::string_view(bytes.data(), bytes.size());
}

StatusOr<std::string> SniffArtifactKind(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open");
  char h[16] = {};
  in.read(h, 16);
  if (in.gcount() < 16 || std::memcmp(h, kMagic, 8) != 0) {
    return absl::InvalidArgumentError(path + ": not a sessionrec artifact");
  }
  return TrimNul(h + 8, 8);
}

}  // namespace sessionrec
