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
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
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

}  // namespace chronon

#endif  // CHRONON_COMMON_JSON_H_
