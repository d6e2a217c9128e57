#include "run/write_codes.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "base/spreadsheet.h"
#include "io/coupon_writer.h"

namespace coupongen {
namespace {

// Batches handed from the thread that makes codes to the thread that writes them: a ring of a
// few CodeBatches, so memory stays a few batches whatever the count, and the codes are written in
// exactly the order they were made (one producer, one consumer, FIFO).
class BatchRing {
 public:
  static constexpr size_t kSlots = 4;
  // The producer: a batch to fill, once one is free; null once the consumer has stopped.
  CodeBatch* Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || filled_ - written_ < kSlots; });
    return stopped_ ? nullptr : &slots_[filled_ % kSlots];
  }
  void Publish(uint64_t done_before) {
    std::lock_guard<std::mutex> lock(mu_);
    done_[filled_ % kSlots] = done_before;
    ++filled_;
    cv_.notify_all();
  }
  void Close() {  // the producer is done (or failed)
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // The consumer: the next batch to write (and how many codes came before it), or null at the end.
  CodeBatch* Take(uint64_t* done_before) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ || filled_ > written_; });
    if (filled_ == written_) return nullptr;
    *done_before = done_[written_ % kSlots];
    return &slots_[written_ % kSlots];
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    ++written_;
    cv_.notify_all();
  }
  void Stop() {  // the consumer failed: the producer stops at its next Acquire
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  CodeBatch slots_[kSlots];
  uint64_t done_[kSlots] = {};
  uint64_t filled_ = 0, written_ = 0;
  bool closed_ = false, stopped_ = false;
};

// The writer thread's loop: each batch of the ring to the coupon writer, with its recipients.
Status WriteBatches(BatchRing& ring, CouponWriter& writer, const Plan& plan) {
  const std::span<const std::string> recipients = plan.recipients;
  Status written;
  uint64_t done = 0;
  while (CodeBatch* batch = ring.Take(&done)) {
    const auto emails = recipients.empty() ? recipients : recipients.subspan(done, batch->size());
    try {
      written = writer.WriteBatch(plan.base, batch->codes(), emails);
    } catch (const std::bad_alloc&) {  // an exception may not leave a thread: report it as a status
      written = Status::IoError("out of memory while writing the codes: give the run more memory");
    }
    ring.Release();
    if (!written.ok()) {
      ring.Stop();
      break;
    }
  }
  return written;
}

// The making thread's work on one batch of `n` codes, the `done`-th code first.
struct BatchMaker {
  BatchMaker(const Plan& plan, CodeSource& source, IssueSession* session, TimeMs now, SideOutputs* side)
      : plan(plan), source(source), session(session), now(now), side(side),
        rule(plan.base.promotion_rule_id.value_or("")), numeric_check(side && MayLookNumeric(plan)) {}
  const Plan& plan;
  CodeSource& source;
  IssueSession* session;
  const TimeMs now;
  SideOutputs* side;
  const std::string rule;
  const bool numeric_check;

  Status Make(uint64_t done, size_t n, CodeBatch* batch) {
    COUPONGEN_RETURN_IF_ERROR(source.NextBatch(n, batch));
    if (session) COUPONGEN_RETURN_IF_ERROR(session->RecordMany(batch->codes(), plan.campaign, rule, now, plan.output_path));
    if (numeric_check)
      for (std::string_view code : batch->codes()) side->spreadsheet_codes += SpreadsheetWouldChange(code);
    if (side && side->mailing_writer)
      for (size_t i = 0; i < n; ++i) COUPONGEN_RETURN_IF_ERROR(side->Mail(plan, done + i, (*batch)[i]));
    return Status::Ok();
  }
};

// The making loop: batches into the ring until plan.count codes are made or the writer stops.
Status MakeBatches(BatchRing& ring, BatchMaker& maker, RunNotices& notices, std::string* example) {
  const Plan& plan = maker.plan;
  const uint64_t per_batch = maker.source.batch_size();
  for (uint64_t done = 0; done < plan.count;) {
    CodeBatch* batch = ring.Acquire();
    if (!batch) break;  // the writer failed
    const size_t n = static_cast<size_t>(std::min(per_batch, plan.count - done));
    COUPONGEN_RETURN_IF_ERROR(maker.Make(done, n, batch));
    if (done + n == plan.count && n > 0) *example = plan.shape.Masked((*batch)[n - 1]);
    ring.Publish(done);
    done += n;
    notices.Advance(done);
  }
  return Status::Ok();
}

}  // namespace

Status SideOutputs::Open(const Plan& plan, bool force, std::ostream& out, Env* env) {
  if (plan.mailing_path) {
    auto m = OpenOutput(*plan.mailing_path, force, out, env);
    if (!m.ok()) return m.status();
    mailing = std::move(m).value();
    auto w = MailingWriter::Open(*mailing->sink, plan.mailing_xlsx, plan.recipient_extras.keep_names,
                                 plan.base.expires_at.has_value());
    if (!w.ok()) return w.status();
    mailing_writer = std::move(w).value();
  }
  if (plan.rejects_path) {
    auto r = OpenOutput(*plan.rejects_path, force, out, env);
    if (!r.ok()) return r.status();
    rejects = std::move(r).value();
    const auto& x = plan.recipient_extras;
    COUPONGEN_RETURN_IF_ERROR(WriteRecipientRejects(*rejects->sink, x.header_raw, x.separator, x.rejects));
  }
  return Status::Ok();
}

Status SideOutputs::Mail(const Plan& plan, uint64_t i, std::string_view code) {
  static const std::vector<std::string> none;
  const auto& kept = plan.recipient_extras.kept;
  return mailing_writer->Add(plan.recipients[i], code, plan.base.expires_at.value_or(""), i < kept.size() ? kept[i] : none);
}

Status SideOutputs::Close() {
  if (mailing_writer) COUPONGEN_RETURN_IF_ERROR(mailing_writer->Finish());
  if (mailing) COUPONGEN_RETURN_IF_ERROR(mailing->Close());
  if (rejects) COUPONGEN_RETURN_IF_ERROR(rejects->Close());
  return Status::Ok();
}

Status SideOutputs::Commit() {
  if (mailing) COUPONGEN_RETURN_IF_ERROR(mailing->Commit());
  if (rejects) COUPONGEN_RETURN_IF_ERROR(rejects->Commit());
  return Status::Ok();
}

bool MayLookNumeric(const Plan& plan) {
  return plan.format == OutputFormat::kCsv && plan.alphabet.symbols().find_first_of("0123456789") != std::string::npos;
}

Status WriteCodes(const Plan& plan, CodeSource& source, OutputSink& sink, IssueSession* session, TimeMs now,
                  RunNotices& notices, std::string* example, SideOutputs* side) {
  WriterOptions wo = WriterOptionsFor(plan);
  wo.plain_codes = source.plain_codes();  // (Write escapes)
  auto writer = MakeCouponWriter(wo, sink);
  BatchMaker maker(plan, source, session, now, side);
  BatchRing ring;
  Status written;
  std::thread writer_thread([&] { written = WriteBatches(ring, *writer, plan); });
  Status made;
  // An exception (out of memory) must not unwind past a running thread (std::terminate): stop and
  // join the writer first, then let it go on to RunMain, which reports it.
  try {
    made = MakeBatches(ring, maker, notices, example);
  } catch (...) {
    ring.Stop();
    ring.Close();
    writer_thread.join();
    throw;
  }
  ring.Close();
  writer_thread.join();
  COUPONGEN_RETURN_IF_ERROR(made);
  COUPONGEN_RETURN_IF_ERROR(written);
  return writer->Finish();
}

}  // namespace coupongen
