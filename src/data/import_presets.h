// Named settings for the public datasets of ../shared/data, so that `sessionrec import
// --preset NAME --input FILE` needs no further flags. Each preset is exactly a set of
// flags (ImportPreset::flags, printed by `import --help` and in docs/data-import.md);
// flags given explicitly on the command line override the preset's.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"
#include "data/delimited_import.h"

namespace sessionrec {

struct ImportPreset {
  std::string_view name;
  std::string_view flags;    // the equivalent command-line flags
  std::string_view comment;  // what the dataset needs besides the flags (inputs, joins)
};

// rees46, taobao, diginetica, yoochoose.
std::span<const ImportPreset> ImportPresets();

// Sets the fields of `options` that preset `name` stands for (not the inputs).
Status ApplyImportPreset(std::string_view name, DelimitedImportOptions* options);

}  // namespace sessionrec
