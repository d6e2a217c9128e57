// Coupon fields from existing files: the one place where a CSV cell or a JSON value becomes a typed
// Coupon attribute, normalised to the form the writers use (canonical timestamps, integers,
// booleans, compact metadata), with the problem text when it cannot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coupon/coupon.h"
#include "io/json_cursor.h"

namespace coupongen {

/// The field a CSV column or JSON key names, as Commerce Layer spells it (FieldName), or nullopt
/// for any other name: the readers ignore those (an export's id, usage_count, created_at, ...).
std::optional<Field> FieldFromName(std::string_view name, bool ignore_case);

/// Sets `f` of *c from the text of a CSV cell (REQUIRES: not empty; an empty cell means unset).
/// Returns "" or what is wrong, e.g. `not a whole number (got "1.5")`.
std::string SetFieldFromText(Field f, std::string_view text, Coupon* c);

/// As SetFieldFromText, for text already known to be valid UTF-8 (e.g. all ASCII): the same
/// result without checking it again. A string field already set is overwritten in place (its
/// capacity reused).
std::string SetFieldFromUtf8Text(Field f, std::string_view text, Coupon* c);

/// The common forms of ASCII text, set with no message to build: a code or string, usage_limit
/// of 1-18 digits, customer_single_use "true" or "false", an expires_at equal to the last
/// canonical one this thread set. Returns false, changing nothing, for any other text: then
/// SetFieldFromUtf8Text sets it (or says what is wrong). The same result as that function.
bool SetFieldFromAsciiTextQuickly(Field f, std::string_view text, Coupon* c);

/// Unsets `f` of *c (the code: empties it; the tags: none), keeping the capacity of vectors.
void ClearField(Field f, Coupon* c);

/// Sets `f` of *c from a JSON value; null leaves it unset. Returns "" or what is wrong, e.g.
/// `must be a string (got 12)`.
std::string SetFieldFromJson(Field f, const JsonValue& v, Coupon* c);

/// Makes *c an empty coupon, keeping the capacity of its strings for reuse.
void ClearCoupon(Coupon* c);

/// "a, b,,c" -> {"a", "b", "c"}: the tags of an _add_tags value (trimmed, empty ones dropped),
/// replacing *out (whose capacity is reused).
void SplitTags(std::string_view text, std::vector<std::string>* out);

/// A JSON value as a message shows it: compact, cut to about 40 bytes with "...".
std::string ShowJson(std::string_view raw);

}  // namespace coupongen
