// chronon::Json: nlohmann's ordered JSON with a hash index on large objects.
//
// compile.py's output keeps the order in which members were written, so every JSON value here is an
// nlohmann::basic_json over an insertion-ordered map. nlohmann's own ordered_map finds a member by scanning all of
// them, so building or parsing an object of n members costs n^2 comparisons: a GroupBy selecting 100,000 columns
// took minutes to compile, and the importer as long to parse its conf (issue 26, finding 11). IndexedOrderedMap is
// the same vector of (key, value) pairs in the same order, with the same results for every operation, plus an open
// addressing table from key to position once an object has kIndexFrom members, kept up to date by every member
// function that changes the object. Lookups are then O(1) on average; small objects (almost all of them) carry no
// table. Const member functions never change the table, so shared values may be read from several threads.
#ifndef CHRONON_COMMON_JSON_H_
#define CHRONON_COMMON_JSON_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"

namespace chronon {

template <class Key, class T, class IgnoredLess = std::less<Key>,
          class Allocator = std::allocator<std::pair<const Key, T>>>
struct IndexedOrderedMap : std::vector<std::pair<const Key, T>, Allocator> {
  using key_type = Key;
  using mapped_type = T;
  using Container = std::vector<std::pair<const Key, T>, Allocator>;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using value_type = typename Container::value_type;
  using key_compare = std::equal_to<>;

  // Objects with fewer members are searched linearly, as nlohmann's ordered_map does.
  static constexpr size_type kIndexFrom = 16;

  IndexedOrderedMap() noexcept(noexcept(Container())) : Container{} {}
  explicit IndexedOrderedMap(const Allocator& alloc) noexcept(noexcept(Container(alloc))) : Container{alloc} {}
  template <class It>
  IndexedOrderedMap(It first, It last, const Allocator& alloc = Allocator()) : Container{first, last, alloc} {
    Reindex();
  }
  IndexedOrderedMap(std::initializer_list<value_type> init, const Allocator& alloc = Allocator())
      : Container{init, alloc} {
    Reindex();
  }
  IndexedOrderedMap(const IndexedOrderedMap& other) : Container(other), slots_(other.slots_) {}
  IndexedOrderedMap(IndexedOrderedMap&& other) noexcept : Container(std::move(other)), slots_(std::move(other.slots_)) {
    other.slots_.clear();
  }
  IndexedOrderedMap& operator=(const IndexedOrderedMap& other) {
    if (this != &other) {
      Container::operator=(other);
      slots_ = other.slots_;
    }
    return *this;
  }
  IndexedOrderedMap& operator=(IndexedOrderedMap&& other) noexcept {
    if (this != &other) {
      Container::operator=(std::move(other));
      slots_ = std::move(other.slots_);
      other.slots_.clear();
    }
    return *this;
  }

  template <class K, class... Args>
  std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    const size_type at = Position(KeyView(key));
    if (at != kNone) return {this->begin() + at, false};
    Container::emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<K>(key)),
                            std::forward_as_tuple(std::forward<Args>(args)...));
    Appended();
    return {std::prev(this->end()), true};
  }

  T& operator[](const key_type& key) { return emplace(key, T{}).first->second; }
  template <class K>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key), T{}).first->second;
  }
  const T& operator[](const key_type& key) const { return at(key); }
  template <class K>
  const T& operator[](K&& key) const {
    return at(std::forward<K>(key));
  }

  template <class K>
  T& at(const K& key) {
    const size_type i = Position(KeyView(key));
    if (i == kNone) throw std::out_of_range("key not found");
    return Container::operator[](i).second;
  }
  template <class K>
  const T& at(const K& key) const {
    const size_type i = Position(KeyView(key));
    if (i == kNone) throw std::out_of_range("key not found");
    return Container::operator[](i).second;
  }

  template <class K>
  size_type erase(const K& key) {
    const size_type i = Position(KeyView(key));
    if (i == kNone) return 0;
    erase(this->begin() + i);
    return 1;
  }
  iterator erase(iterator pos) { return erase(pos, std::next(pos)); }
  iterator erase(iterator first, iterator last) {
    if (first == last) return first;
    const auto removed = std::distance(first, last);
    const auto offset = std::distance(Container::begin(), first);
    // Keys are const: re-construct each following member in place, as nlohmann's ordered_map does.
    for (auto it = first; std::next(it, removed) != Container::end(); ++it) {
      it->~value_type();
      new (&*it) value_type{std::move(*std::next(it, removed))};
    }
    Container::resize(this->size() - static_cast<size_type>(removed));
    Reindex();
    return Container::begin() + offset;
  }
  void clear() noexcept {
    Container::clear();
    slots_.clear();
  }

  template <class K>
  size_type count(const K& key) const {
    return Position(KeyView(key)) == kNone ? 0 : 1;
  }
  template <class K>
  bool contains(const K& key) const {
    return count(key) != 0;
  }
  template <class K>
  iterator find(const K& key) {
    const size_type i = Position(KeyView(key));
    return i == kNone ? Container::end() : Container::begin() + i;
  }
  template <class K>
  const_iterator find(const K& key) const {
    const size_type i = Position(KeyView(key));
    return i == kNone ? Container::end() : Container::begin() + i;
  }

  std::pair<iterator, bool> insert(value_type&& value) { return emplace(value.first, std::move(value.second)); }
  std::pair<iterator, bool> insert(const value_type& value) { return emplace(value.first, value.second); }
  template <typename InputIt,
            typename = typename std::enable_if<std::is_convertible<
                typename std::iterator_traits<InputIt>::iterator_category, std::input_iterator_tag>::value>::type>
  void insert(InputIt first, InputIt last) {
    for (auto it = first; it != last; ++it) insert(*it);
  }

 private:
  static constexpr size_type kNone = static_cast<size_type>(-1);

  template <class K>
  static std::string_view KeyView(const K& key) {
    return std::string_view(key);
  }
  static size_t Hash(std::string_view key) { return std::hash<std::string_view>()(key); }

  // The position of `key`, or kNone; the first one when a range constructor was given duplicates.
  size_type Position(std::string_view key) const {
    if (slots_.empty()) {
      for (size_type i = 0; i < this->size(); ++i) {
        if (std::string_view(Container::operator[](i).first) == key) return i;
      }
      return kNone;
    }
    const size_t mask = slots_.size() - 1;
    for (size_t s = Hash(key) & mask;; s = (s + 1) & mask) {
      if (slots_[s] == 0) return kNone;
      const size_type i = slots_[s] - 1;
      if (std::string_view(Container::operator[](i).first) == key) return i;
    }
  }

  // Records member i in the table (which has room), unless its key is already there.
  void Place(size_type i) {
    const std::string_view key(Container::operator[](i).first);
    const size_t mask = slots_.size() - 1;
    for (size_t s = Hash(key) & mask;; s = (s + 1) & mask) {
      if (slots_[s] == 0) {
        slots_[s] = static_cast<uint32_t>(i + 1);
        return;
      }
      if (std::string_view(Container::operator[](slots_[s] - 1).first) == key) return;
    }
  }

  // The table for the current members (none below kIndexFrom), at most half full.
  void Reindex() {
    slots_.clear();
    if (this->size() < kIndexFrom) return;
    size_t capacity = 2 * kIndexFrom;
    while (capacity < 2 * this->size()) capacity *= 2;
    slots_.assign(capacity, 0);
    for (size_type i = 0; i < this->size(); ++i) Place(i);
  }

  void Appended() {
    if (slots_.empty() || 2 * this->size() > slots_.size()) {
      if (this->size() >= kIndexFrom) Reindex();
      return;
    }
    Place(this->size() - 1);
  }

  std::vector<uint32_t> slots_;  // 0: empty; else a member's position + 1
};

// Every JSON value of the compiler, the importer and the tools that read confs.
using Json = nlohmann::basic_json<IndexedOrderedMap>;

// The integer `value` holds, as a T; nullopt when it is not a number, not finite, or outside T's range. A double
// within the range is truncated, as static_cast does. nlohmann's get<int>() is undefined behaviour for a double out
// of int's range and silently narrows a 64-bit integer: every integer read from JSON that another process wrote (a
// dependency's summary, a conf, a team config) goes through this.
template <typename T>
std::optional<T> IntegerOf(const Json& value) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>, "IntegerOf reads signed integers");
  constexpr int64_t kMin = std::numeric_limits<T>::min();
  constexpr int64_t kMax = std::numeric_limits<T>::max();
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(kMax)) return std::nullopt;
    return static_cast<T>(u);
  }
  if (value.is_number_integer()) {
    const int64_t i = value.get<int64_t>();
    if (i < kMin || i > kMax) return std::nullopt;
    return static_cast<T>(i);
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // [min, max + 1): both ends are exact doubles for 32- and 64-bit T; NaN fails the comparison.
    if (!(d >= static_cast<double>(kMin) && d < static_cast<double>(kMax) + 1.0)) return std::nullopt;
    return static_cast<T>(d);
  }
  return std::nullopt;
}

// object[key] as an int (IntegerOf), or `fallback` when `object` is not an object, lacks `key`, or holds no int there.
inline int IntOr(const Json& object, std::string_view key, int fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it == object.end() ? fallback : IntegerOf<int>(*it).value_or(fallback);
}

}  // namespace chronon

#endif  // CHRONON_COMMON_JSON_H_
