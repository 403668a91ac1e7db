#include "data/import_presets.h"

#include "core/str_cat.h"

namespace sessionrec {
namespace {

constexpr ImportPreset kPresets[] = {
    {"rees46",
     "--delimiter , --header --session user_session --user user_id --item product_id "
     "--time event_time --time-format datetime --type event_type --category category_id "
     "--types view=clicks,cart=carts,purchase=orders",
     "REES46 eCommerce (2019-Oct.csv): session key is the user_session UUID (dense ids)"},
    {"taobao",
     "--delimiter , --no-header --user 0 --item 1 --category 2 --type 3 --time 4 "
     "--time-format unix "
     "--types pv=clicks,cart=carts,buy=orders --session-gap 1800",
     "Taobao UserBehavior.csv: no session column, so user logs are cut at gaps > 30 min; "
     "fav has no OTTO equivalent and is dropped (add fav=clicks to --types to keep it)"},
    {"diginetica",
     "--delimiter ; --header --session session_id|sessionId --item item_id|itemId "
     "--time eventdate --time-format date+ms --time-offset timeframe --default-type clicks",
     "CIKM Cup 2016: --input train-item-views.csv --join train-purchases.csv@orders "
     "(purchases attach to the sessions of the views)"},
    {"yoochoose",
     "--delimiter tab --header --session SessionId --item ItemId --time Time "
     "--time-format unix-frac --default-type clicks",
     "RecSys Challenge 2015 prepared clicks (TSV); give train and test files as two --input"},
};

}  // namespace

std::span<const ImportPreset> ImportPresets() { return kPresets; }

Status ApplyImportPreset(std::string_view name, DelimitedImportOptions* o) {
  const auto map = [](std::string_view text) { return *ParseTypeMap(text); };
  if (name == "rees46") {
    o->delimiter = ',';
    o->header = true;
    o->session_column = "user_session";
    o->user_column = "user_id";
    o->item_column = "product_id";
    o->time_column = "event_time";
    o->time_format = TimeFormat::kDateTime;
    o->type_column = "event_type";
    o->category_column = "category_id";
    o->type_map = map("view=clicks,cart=carts,purchase=orders");
  } else if (name == "taobao") {
    o->delimiter = ',';
    o->header = false;
    o->session_column.clear();
    o->user_column = "0";
    o->item_column = "1";
    o->type_column = "3";
    o->category_column = "2";
    o->time_column = "4";
    o->time_format = TimeFormat::kUnixSeconds;
    o->type_map = map("pv=clicks,cart=carts,buy=orders");
    o->session_gap_seconds = 1800;
  } else if (name == "diginetica") {
    o->delimiter = ';';
    o->header = true;
    o->session_column = "session_id|sessionId";
    o->item_column = "item_id|itemId";
    o->time_column = "eventdate";
    o->time_format = TimeFormat::kDatePlusMillis;
    o->time_offset_column = "timeframe";
    o->type_column.clear();
    o->category_column.clear();
    o->default_type = EventType::kClick;
  } else if (name == "yoochoose") {
    o->delimiter = '\t';
    o->header = true;
    o->session_column = "SessionId";
    o->item_column = "ItemId";
    o->time_column = "Time";
    o->time_format = TimeFormat::kUnixFractional;
    o->type_column.clear();
    o->category_column.clear();
    o->default_type = EventType::kClick;
  } else {
    return absl::InvalidArgumentError(
        StrCat("unknown preset \"", name, "\" (rees46, taobao, diginetica, yoochoose)"));
  }
  return absl::OkStatus();
}

}  // namespace sessionrec
