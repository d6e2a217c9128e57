#include "codes/keyed_generator.h"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "base/strings.h"

namespace coupongen {

std::vector<uint8_t> KeyedTweak(std::string_view campaign, const CodeShape& shape, const Alphabet& alphabet) {
  std::string t = "coupongen-keyed-1";
  for (std::string_view part : {campaign, std::string_view(shape.skeleton()), std::string_view(alphabet.symbols())}) {
    t.push_back('\0');
    t.append(part);
  }
  return {t.begin(), t.end()};
}

Status CheckKeyedKeyspace(size_t radix, size_t length) {
  uint64_t size = 0;
  if (!RadixPower(static_cast<uint32_t>(radix), length, &size) || size >= Ff1::kMinDomainSize) return Status::Ok();
  return Status::Invalid("keyed mode needs at least 1,000,000 possible codes (radix^length); " + std::to_string(radix) +
                         "^" + std::to_string(length) + " = " + WithThousands(size) + " is too small");
}

Result<KeyedGenerator> KeyedGenerator::Create(const CodeShape& shape, const Alphabet& alphabet,
                                              std::span<const uint8_t> key, std::string_view campaign,
                                              SequenceRange range, const CodeRules* rules) {
  COUPONGEN_RETURN_IF_ERROR(CheckKeyedAlphabet(alphabet));
  const size_t check_length = rules ? rules->check_length() : 0;
  const size_t length = shape.random_length() - check_length;
  const auto radix = static_cast<uint32_t>(alphabet.size());
  COUPONGEN_RETURN_IF_ERROR(CheckKeyedKeyspace(radix, length));
  std::vector<uint8_t> tweak = KeyedTweak(campaign, shape, alphabet);
  auto ff1 = Ff1::Create(key, radix, static_cast<uint32_t>(length), static_cast<uint32_t>(length), tweak.size());
  if (!ff1.ok()) return ff1.status();
  KeyedGenerator gen(shape, alphabet, std::move(ff1).value(), std::move(tweak), range);
  gen.random_length_ = length;
  gen.numerals_.resize(length);
  gen.folded_.resize(length + check_length);
  uint64_t size = 0;
  gen.max_sequence_ = RadixPower(radix, length, &size) ? size - 1 : UINT64_MAX;
  if (rules && rules->check()) {
    gen.check_ = rules->check();
    gen.check_symbols_ = &rules->check_symbols();
    gen.plain_codes_ = gen.plain_codes_ && std::all_of(gen.check_symbols_->begin(), gen.check_symbols_->end(), IsSafeCodeChar);
  }
  if (rules && !rules->blocklist().empty()) {
    auto index = AllowedIndex::Build(rules->blocklist(), gen.check_, gen.folded_of_numeral_, length);
    if (!index.ok()) return index.status();
    gen.allowed_ = std::move(index).value();
    if (gen.allowed_->size() == 0) return Status::Infeasible("keyed mode: the blocklist allows no code of this shape");
    gen.max_sequence_ = gen.allowed_->size() - 1;
  }

  if (range.count == 0) return Status::Infeasible("keyed mode: the range of sequence numbers is empty");
  const uint64_t max = gen.max_sequence_;
  if (range.start > max || range.count - 1 > max - range.start)
    return Status::Infeasible("keyed mode: sequence numbers " + WithThousands(range.start) + ".." +
                              (range.count - 1 > UINT64_MAX - range.start ? std::string("past 2^64")
                                                                          : WithThousands(range.last())) +
                              " go past the last code of shape " + shape.Display() + ": its sequence numbers are 0.." +
                              WithThousands(max));
  return gen;
}

// One thread's share of a NextBatch.
struct KeyedGenerator::Lane {
  std::optional<Ff1> own_ff1;           // the worker's copy of the key schedule
  std::vector<uint16_t> numerals;       // count x random_length_
  std::vector<uint32_t> walking;        // codes still cycle walking (indexes into the lane)
  std::vector<uint16_t> walk_numerals;  // their numerals, back to back
  AllowedIndex::Cursor cursor;          // with a blocklist
  std::vector<uint16_t> counter;        // without one: the sequence number in base radix
  std::vector<uint8_t> folded;          // a code's folded numerals, for its check character
};

// NextBatch's lanes and the worker thread that runs the second one.
struct KeyedGenerator::Batching {
  Lane lanes[2];
  std::vector<uint64_t> numbers;  // the batch's sequence numbers
  std::thread worker;
  std::mutex mu;
  std::condition_variable cv;
  std::function<Status()> job;  // set by NextBatch, cleared by the worker when done
  Status result;
  bool stop = false;

  void Run() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return stop || job; });
      if (stop) return;
      lock.unlock();
      Status s = job();
      lock.lock();
      result = std::move(s);
      job = nullptr;
      cv.notify_all();
    }
  }
  Status RunOnWorker(std::function<Status()> work, const std::function<Status()>& here) {
    if (!worker.joinable()) worker = std::thread([this] { Run(); });
    {
      std::lock_guard<std::mutex> lock(mu);
      job = std::move(work);
    }
    cv.notify_all();
    Status mine = here();
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return !job; });
    return mine.ok() ? result : mine;
  }
  ~Batching() {
    if (!worker.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    cv.notify_all();
    worker.join();
  }
};

KeyedGenerator::KeyedGenerator(KeyedGenerator&&) noexcept = default;
KeyedGenerator& KeyedGenerator::operator=(KeyedGenerator&&) noexcept = default;
KeyedGenerator::~KeyedGenerator() = default;

KeyedGenerator::KeyedGenerator(const CodeShape& shape, const Alphabet& alphabet, Ff1 ff1, std::vector<uint8_t> tweak,
                               SequenceRange range)
    : shape_(&shape), alphabet_(&alphabet), ff1_(std::move(ff1)), tweak_(std::move(tweak)), range_(range) {
  plain_codes_ = std::all_of(alphabet.symbols().begin(), alphabet.symbols().end(), IsSafeCodeChar) &&
                 std::all_of(shape.skeleton().begin(), shape.skeleton().end(), IsSafeCodeChar);
  digit_of_char_.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) {
    // Keyed alphabets never hold a letter in both cases, so each character folds to one numeral.
    unsigned char c = static_cast<unsigned char>(alphabet.symbol(i));
    unsigned char lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    unsigned char upper = c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    digit_of_char_[lower] = digit_of_char_[upper] = static_cast<int16_t>(i);
    folded_of_numeral_.push_back(static_cast<uint8_t>(alphabet.FoldedIndex(alphabet.symbol(i))));
  }
}

Status KeyedGenerator::Encode(uint64_t n) {
  if (allowed_) {
    allowed_->Unrank(n, numerals_);
  } else {
    const uint32_t radix = ff1_.radix();
    for (size_t i = numerals_.size(); i-- > 0;) {
      numerals_[i] = static_cast<uint16_t>(n % radix);
      n /= radix;
    }
  }
  // Cycle walking: from an allowed string, FF1's cycle reaches an allowed string again, so this
  // permutes the allowed strings (on average 1 / (allowed share) steps: about 1.01).
  for (int step = 0; step < 1000000; ++step) {
    COUPONGEN_RETURN_IF_ERROR(ff1_.Encrypt(tweak_, numerals_, numerals_));
    if (!allowed_ || allowed_->Allowed(numerals_)) return Status::Ok();
  }
  return Status::Infeasible("keyed mode: the blocklist leaves too few codes to walk to one");
}

Status KeyedGenerator::Next(std::string* code) {
  while (skip_at_ < skip_.size() && skip_[skip_at_] == offset_) {
    ++skip_at_;
    ++offset_;
    ++skipped_;
  }
  if (offset_ >= range_.count)
    return Status::Infeasible("keyed mode: every sequence number of " + WithThousands(range_.start) + ".." +
                              WithThousands(range_.last()) + " has been used");
  const uint64_t n = range_.start + offset_;
  COUPONGEN_RETURN_IF_ERROR(Encode(n));
  code->assign(shape_->skeleton());
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < random_length_; ++i) (*code)[slots[i]] = alphabet_->symbol(numerals_[i]);
  if (check_) {
    for (size_t i = 0; i < random_length_; ++i) folded_[i] = folded_of_numeral_[numerals_[i]];
    (*code)[slots[random_length_]] = (*check_symbols_)[check_->Compute({folded_.data(), random_length_})];
  }
  last_ = n;
  ++offset_;
  return Status::Ok();
}

Status KeyedGenerator::RunLane(Lane& lane, Ff1& ff1, const uint64_t* numbers, size_t count, CodeBatch* batch,
                               size_t first) const {
  const size_t len = random_length_;
  lane.numerals.resize(count * len);
  // The numerals of each sequence number, from the previous one's when it is a few steps back.
  const uint32_t radix = ff1.radix();
  auto start = [&](uint64_t n) {
    if (allowed_) return allowed_->Start(n, &lane.cursor);
    lane.counter.resize(len);
    for (size_t i = len; i-- > 0;) {
      lane.counter[i] = static_cast<uint16_t>(n % radix);
      n /= radix;
    }
  };
  auto advance = [&] {
    if (allowed_) return static_cast<void>(allowed_->Advance(&lane.cursor));
    for (size_t i = len; i-- > 0;) {  // + 1 in base radix
      if (++lane.counter[i] < radix) return;
      lane.counter[i] = 0;
    }
  };
  for (size_t k = 0; k < count; ++k) {
    if (k == 0 || numbers[k] - numbers[k - 1] > 16) {
      start(numbers[k]);
    } else {
      for (uint64_t step = numbers[k - 1]; step < numbers[k]; ++step) advance();
    }
    const std::vector<uint16_t>& now = allowed_ ? lane.cursor.numerals : lane.counter;
    std::copy(now.begin(), now.end(), lane.numerals.begin() + static_cast<ptrdiff_t>(k * len));
  }
  COUPONGEN_RETURN_IF_ERROR(ff1.EncryptBatch(tweak_, len, lane.numerals));
  if (!allowed_) {
    Render(lane, count, batch, first);
    return Status::Ok();
  }
  // Cycle walking, as Encode does, for the few codes (about 1%) that landed on a blocked word.
  lane.walking.clear();
  for (size_t k = 0; k < count; ++k)
    if (!allowed_->Allowed({&lane.numerals[k * len], len})) lane.walking.push_back(static_cast<uint32_t>(k));
  for (int step = 1; !lane.walking.empty(); ++step) {
    if (step >= 1000000) return Status::Infeasible("keyed mode: the blocklist leaves too few codes to walk to one");
    lane.walk_numerals.resize(lane.walking.size() * len);
    for (size_t w = 0; w < lane.walking.size(); ++w)
      std::copy_n(&lane.numerals[lane.walking[w] * len], len, &lane.walk_numerals[w * len]);
    COUPONGEN_RETURN_IF_ERROR(ff1.EncryptBatch(tweak_, len, lane.walk_numerals));
    size_t still = 0;
    for (size_t w = 0; w < lane.walking.size(); ++w) {
      std::copy_n(&lane.walk_numerals[w * len], len, &lane.numerals[lane.walking[w] * len]);
      if (!allowed_->Allowed({&lane.walk_numerals[w * len], len})) lane.walking[still++] = lane.walking[w];
    }
    lane.walking.resize(still);
  }
  Render(lane, count, batch, first);
  return Status::Ok();
}

void KeyedGenerator::Render(Lane& lane, size_t count, CodeBatch* batch, size_t first) const {
  const uint16_t* slots = shape_->slots().data();
  const char* symbols = alphabet_->symbols().data();
  const size_t len = random_length_;
  for (size_t k = 0; k < count; ++k) {
    const uint16_t* x = &lane.numerals[k * len];
    char* code = batch->slot(first + k);
    for (size_t i = 0; i < len; ++i) code[slots[i]] = symbols[x[i]];
    if (check_) {
      lane.folded.resize(len);
      for (size_t i = 0; i < len; ++i) lane.folded[i] = folded_of_numeral_[x[i]];
      code[slots[len]] = (*check_symbols_)[check_->Compute({lane.folded.data(), len})];
    }
  }
}

Status KeyedGenerator::NextBatch(size_t n, CodeBatch* batch) {
  batch->Prepare(shape_->skeleton(), n);
  if (n == 0) return Status::Ok();
  if (remaining() < n)
    return Status::Infeasible("keyed mode: every sequence number of " + WithThousands(range_.start) + ".." +
                              WithThousands(range_.last()) + " has been used");
  if (!batching_) batching_ = std::make_unique<Batching>();
  Batching& b = *batching_;
  b.numbers.resize(n);
  for (size_t k = 0; k < n; ++k) {
    while (skip_at_ < skip_.size() && skip_[skip_at_] == offset_) {
      ++skip_at_;
      ++offset_;
      ++skipped_;
    }
    b.numbers[k] = range_.start + offset_++;
  }
  last_ = b.numbers[n - 1];

  constexpr size_t kSplitFrom = 1024;  // below this, the hand-over costs more than it saves
  const size_t first = n >= kSplitFrom ? n / 2 : n;
  if (first == n) {
    COUPONGEN_RETURN_IF_ERROR(RunLane(b.lanes[0], ff1_, b.numbers.data(), n, batch, 0));
  } else {
    Lane& second = b.lanes[1];
    if (!second.own_ff1) {
      auto copy = ff1_.Clone();
      if (!copy.ok()) return copy.status();
      second.own_ff1.emplace(std::move(copy).value());
    }
    COUPONGEN_RETURN_IF_ERROR(b.RunOnWorker(
        [&] { return RunLane(second, *second.own_ff1, b.numbers.data() + first, n - first, batch, first); },
        [&] { return RunLane(b.lanes[0], ff1_, b.numbers.data(), first, batch, 0); }));
  }

  batch->size_ = n;
  return Status::Ok();
}

std::optional<uint64_t> KeyedGenerator::SequenceOf(std::string_view code) {
  if (!shape_->LiteralsMatch(code)) return std::nullopt;
  std::vector<uint16_t> numerals(random_length_);
  const auto& slots = shape_->slots();
  for (size_t i = 0; i < random_length_; ++i) {
    int d = digit_of_char_[static_cast<unsigned char>(code[slots[i]])];
    if (d < 0) return std::nullopt;
    numerals[i] = static_cast<uint16_t>(d);
  }
  if (check_) {
    std::vector<uint8_t> folded(random_length_);
    for (size_t i = 0; i < random_length_; ++i) folded[i] = folded_of_numeral_[numerals[i]];
    if (alphabet_->FoldedIndex(code[slots[random_length_]]) != check_->Compute(folded)) return std::nullopt;
  }
  if (allowed_ && !allowed_->Allowed(numerals)) return std::nullopt;
  // Walk the cycle backwards to the allowed string the code was walked from.
  for (int step = 0; step < 1000000; ++step) {
    if (!ff1_.Decrypt(tweak_, numerals, numerals).ok()) return std::nullopt;
    if (!allowed_) {
      uint64_t n = 0;
      const uint32_t radix = ff1_.radix();
      for (uint16_t d : numerals) {
        if (n > (UINT64_MAX - d) / radix) return std::nullopt;  // 2^64 or more: no sequence number
        n = n * radix + d;
      }
      return n;
    }
    if (allowed_->Allowed(numerals)) {
      auto n = allowed_->Rank(numerals);
      if (!n || *n > max_sequence_) return std::nullopt;
      return n;
    }
  }
  return std::nullopt;
}

void KeyedGenerator::SkipSequences(std::vector<uint64_t> numbers) {
  std::vector<uint64_t> positions;
  for (uint64_t n : numbers)
    if (n >= range_.start && n - range_.start < range_.count && n - range_.start >= offset_)
      positions.push_back(n - range_.start);
  positions.insert(positions.end(), skip_.begin() + static_cast<std::ptrdiff_t>(skip_at_), skip_.end());
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  skip_ = std::move(positions);
  skip_at_ = 0;
}

}  // namespace coupongen
