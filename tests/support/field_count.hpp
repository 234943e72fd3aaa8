#pragma once
// The number of fields of an aggregate, counted by the compiler: `T{any, any, ...}` compiles
// with as many initialisers as T has fields and no more. Codec tests assert it, so that a field
// added to a stored record fails them until the codec and the test's fixture carry it too.

#include <cstddef>
#include <type_traits>
#include <utility>

namespace settled::testing {

namespace field_count_detail {

// Converts to any field type (never called: only used in unevaluated context).
struct AnyField {
  template <typename T>
  operator T() const;
};

template <typename T, typename Indices, typename = void>
struct Initialisable : std::false_type {};

template <typename T, std::size_t... I>
struct Initialisable<T, std::index_sequence<I...>,
                     std::void_t<decltype(T{(void(I), AnyField{})...})>> : std::true_type {};

template <typename T, std::size_t N>
constexpr std::size_t count_from() {
  if constexpr (Initialisable<T, std::make_index_sequence<N + 1>>::value) {
    return count_from<T, N + 1>();
  } else {
    return N;
  }
}

}  // namespace field_count_detail

template <typename T>
constexpr std::size_t field_count() {
  static_assert(std::is_aggregate_v<T>, "field_count needs an aggregate");
  return field_count_detail::count_from<T, 0>();
}

}  // namespace settled::testing
