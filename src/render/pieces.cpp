#include "render/pieces.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "core/assert.h"
#include "core/error.h"
#include "core/log.h"
#include "core/progress.h"
#include "render/frame_queue.h"
#include "video/segment_writer.h"

namespace bgv::render {

namespace fs = std::filesystem;

namespace {
// Generates every batch of the pieces the schedule hands out. Batches never straddle a piece, so
// a piece is generated from exactly the batches an uninterrupted run would use.
void generate_pieces(FrameGenerator& generator, const RenderPlan& plan, PieceSchedule& schedule,
                     const RenderHooks& hooks, FrameQueue& queue) {
    const auto frame_bytes = static_cast<std::size_t>(generator.width()) * generator.height() * 3;
    const PlanVectors vectors(plan.dir);
    std::vector<float> z, y;
    while (const auto piece = schedule.next_piece()) {
        const std::int64_t end = plan.piece_first_frame(*piece) + plan.piece_frames(*piece);
        for (std::int64_t first = plan.piece_first_frame(*piece); first < end;
             first += plan.batch_size) {
            if (hooks.cancelled())
                return;
            const int count =
                static_cast<int>(std::min<std::int64_t>(plan.batch_size, end - first));
            vectors.read(first, count, z, y);
            FrameBatch batch{*piece, first, count, std::vector<std::uint8_t>(count * frame_bytes)};
            with_context(fmt::format("generating frames {}-{}", first, first + count - 1),
                         [&] { generator.generate(z, y, count, batch.rgb); });
            if (!queue.push(std::move(batch)))
                return;
        }
    }
}
}  // namespace

PieceRecord expected_piece_record(const RenderPlan& plan, std::int64_t piece) {
    return {piece, plan.piece_first_frame(piece), plan.piece_frames(piece), plan.identity_digest,
            ""};
}

std::vector<std::int64_t> pieces_to_render(const RenderPlan& plan, const WorkFolder& work) {
    std::vector<std::int64_t> missing;
    for (std::int64_t piece = 0; piece < plan.pieces(); ++piece) {
        const fs::path video = work.piece_path(piece), record = work.piece_record_path(piece);
        if (!fs::exists(video) && !fs::exists(record)) {
            missing.push_back(piece);
            continue;
        }
        if (const auto problem = piece_problem(video, record, expected_piece_record(plan, piece))) {
            log::warn("{}: rendering it again: {}", video.string(), *problem);
            fs::remove(record);
            fs::remove(video);
            missing.push_back(piece);
        }
    }
    return missing;
}

void render_pieces(FrameGenerator& generator, const RenderPlan& plan, const WorkFolder& work,
                   PieceSchedule& schedule, const RenderHooks& hooks, std::int64_t frames_done) {
    video::EncoderSettings encoder = plan.encoder;
    encoder.width = generator.width();
    encoder.height = generator.height();
    const std::size_t frame_bytes = static_cast<std::size_t>(encoder.width) * encoder.height * 3;
    FrameQueue queue(2);
    std::thread producer([&] {
        try {
            generate_pieces(generator, plan, schedule, hooks, queue);
            queue.close();
        } catch (...) {
            queue.close(std::current_exception());
        }
    });

    Progress progress("render", plan.frames, Progress::Unit::items, "frames");
    progress.set_start_offset(frames_done);
    try {
        std::optional<video::SegmentWriter> writer;
        std::int64_t writing = -1;  // the piece `writer` writes
        while (auto batch = queue.pop()) {
            if (!writer) {
                writing = batch->piece;
                writer.emplace(work.piece_path(writing), encoder, plan.segment_frames,
                               plan.piece_first_frame(writing));
            }
            BGV_ASSERT(batch->piece == writing, "batch of piece {} while piece {} is open",
                       batch->piece, writing);
            for (int i = 0; i < batch->count; ++i)
                writer->add_frame(std::span(batch->rgb).subspan(i * frame_bytes, frame_bytes));
            frames_done += batch->count;
            const std::int64_t end = plan.piece_first_frame(writing) + plan.piece_frames(writing);
            if (batch->first_frame + batch->count == end) {
                writer->finish();
                writer.reset();
                const auto record =
                    write_piece_record(work.piece_path(writing), work.piece_record_path(writing),
                                       writing, plan.piece_first_frame(writing),
                                       plan.piece_frames(writing), plan.identity_digest);
                schedule.piece_done(writing, record);
                report_piece_finished(hooks, writing);
            }
            const std::int64_t job_done = frames_done + schedule.frames_done_elsewhere();
            progress.update(job_done);
            if (hooks.progress)
                hooks.progress(job_done, plan.frames);
            if (hooks.cancelled())
                throw Cancelled();
        }
        if (hooks.cancelled())
            throw Cancelled();
        progress.finish();
    } catch (...) {
        queue.stop();
        producer.join();
        throw;
    }
    queue.stop();
    producer.join();
}

}  // namespace bgv::render
