// render/option_rows: how a row of the render option table binds an option to its RenderOptions
// field (read as an OptionValue, set from a checked one), for the files that build the table.
#pragma once

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/assert.h"
#include "render/options.h"

namespace bgv::render::rows {

// The field a chain of member pointers names: field<&RenderOptions::choreo, &Params::jitter>(o).
template <auto... Members, typename Options>
auto& field(Options& options) {
    return (options.*....*Members);
}

template <auto... Members>
RenderOption integer_row(OptionDef def) {
    return {std::move(def),
            [](const RenderOptions& o) -> std::optional<OptionValue> {
                return static_cast<std::int64_t>(field<Members...>(o));
            },
            [](RenderOptions& o, const OptionValue& v) {
                using Field = std::remove_reference_t<decltype(field<Members...>(o))>;
                field<Members...>(o) = static_cast<Field>(std::get<std::int64_t>(v));
            }};
}

// An optional<int> field: unset when the option is not given (its default depends on others).
template <auto Member>
RenderOption optional_integer_row(OptionDef def) {
    def.type = OptionType::integer;
    return {std::move(def),
            [](const RenderOptions& o) -> std::optional<OptionValue> {
                if (!(o.*Member))
                    return std::nullopt;
                return static_cast<std::int64_t>(*(o.*Member));
            },
            [](RenderOptions& o, const OptionValue& v) {
                o.*Member = static_cast<int>(std::get<std::int64_t>(v));
            }};
}

template <auto... Members>
RenderOption number_row(OptionDef def) {
    return {
        std::move(def),
        [](const RenderOptions& o) -> std::optional<OptionValue> {
            return static_cast<double>(field<Members...>(o));
        },
        [](RenderOptions& o, const OptionValue& v) { field<Members...>(o) = std::get<double>(v); }};
}

template <auto... Members>
RenderOption flag_row(OptionDef def) {
    def.type = OptionType::flag;
    return {
        std::move(def),
        [](const RenderOptions& o) -> std::optional<OptionValue> { return field<Members...>(o); },
        [](RenderOptions& o, const OptionValue& v) { field<Members...>(o) = std::get<bool>(v); }};
}

// A text field (std::string, never empty), or an optional one.
template <auto Member>
RenderOption text_row(OptionDef def) {
    def.type = OptionType::text;
    return {std::move(def),
            [](const RenderOptions& o) -> std::optional<OptionValue> {
                const auto& value = o.*Member;
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, std::string>) {
                    return value;
                } else {
                    if (!value)
                        return std::nullopt;
                    return *value;
                }
            },
            [](RenderOptions& o, const OptionValue& v) { o.*Member = std::get<std::string>(v); }};
}

// An optional<path> field, or a path field that is empty when unset.
template <auto Member>
RenderOption path_row(OptionDef def) {
    def.type = OptionType::text;
    return {std::move(def),
            [](const RenderOptions& o) -> std::optional<OptionValue> {
                const auto& value = o.*Member;
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>,
                                             std::filesystem::path>) {
                    if (value.empty())
                        return std::nullopt;
                    return value.string();
                } else {
                    if (!value)
                        return std::nullopt;
                    return value->string();
                }
            },
            [](RenderOptions& o, const OptionValue& v) { o.*Member = std::get<std::string>(v); }};
}

// A choice between the names of an enum's values, listed in `def.choices` in enum order.
template <auto Member>
RenderOption enum_row(OptionDef def) {
    def.type = OptionType::choice;
    std::vector<std::string> names = def.choices;
    return {std::move(def),
            [names](const RenderOptions& o) -> std::optional<OptionValue> {
                return names.at(static_cast<std::size_t>(o.*Member));
            },
            [names](RenderOptions& o, const OptionValue& v) {
                const auto it = std::find(names.begin(), names.end(), std::get<std::string>(v));
                BGV_ASSERT(it != names.end(), "unchecked choice {}", std::get<std::string>(v));
                o.*Member =
                    static_cast<std::remove_reference_t<decltype(o.*Member)>>(it - names.begin());
            }};
}

// The rows of the frame's shape, the delivered size, the codec and the subtitles
// (video_option_table.cpp), appended in --help order.
void add_video_rows(std::vector<RenderOption>& rows);

}  // namespace bgv::render::rows
