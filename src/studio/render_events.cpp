#include "studio/render_events.h"

#include <algorithm>
#include <map>

namespace bgv::studio {

using nlohmann::json;

namespace {
bool is_final(const json& job) {
    const std::string state = job.value("state", "");
    return state == "done" || state == "failed" || state == "cancelled";
}

std::string event(const json& body) {
    return "data: " + body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}
}  // namespace

RenderEvents::RenderEvents(RenderQueue& queue) : queue_(queue) {
    queue_.set_on_change([this] { wake(); });
}

RenderEvents::~RenderEvents() {
    queue_.set_on_change(nullptr);
    stop();
}

void RenderEvents::start() {
    thread_ = std::thread([this] { run(); });
}

void RenderEvents::stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& follower : followers_)
            follower.stream->finish();
        followers_.clear();
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void RenderEvents::wake() {
    {
        const std::lock_guard lock(mutex_);
        dirty_ = true;
    }
    changed_.notify_all();
}

void RenderEvents::follow(std::shared_ptr<EventStream> stream, const std::string& id) {
    {
        const std::lock_guard lock(mutex_);
        followers_.push_back({std::move(stream), id, true, false});
        dirty_ = true;
    }
    changed_.notify_all();
}

void RenderEvents::follow_all(std::shared_ptr<EventStream> stream) {
    follow(std::move(stream), "");
}

void RenderEvents::run() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return dirty_ || stopping_; });
            if (stopping_)
                return;
            dirty_ = false;
        }
        publish();
    }
}

void RenderEvents::publish() {
    // The queue is read without this class's lock held: the queue calls wake() with its own lock
    // held, so holding both here would deadlock.
    std::uint64_t since = 0;
    bool any_fresh = false;
    {
        const std::lock_guard lock(mutex_);
        since = version_;
        for (auto& follower : followers_) {
            follower.in_snapshot = follower.fresh;
            any_fresh |= follower.fresh;
        }
    }
    const RenderQueue::Changes changes = queue_.changes_since(since);
    const json current = any_fresh ? queue_.list() : json::array();  // for new followers
    std::map<std::string, std::string> changed;                      // id → its event
    std::map<std::string, bool> final;
    for (const json& job : changes.jobs) {
        const std::string id = job.at("id").get<std::string>();
        changed[id] = event(job);
        final[id] = is_final(job);
    }
    const std::lock_guard lock(mutex_);
    version_ = changes.version;
    std::erase_if(followers_, [&](Follower& follower) {
        EventStream& stream = *follower.stream;
        if (follower.fresh && !follower.in_snapshot)
            return false;  // came after the snapshot: served in the next round
        if (follower.fresh) {
            follower.fresh = false;
            bool found = false;
            for (const json& job : current) {
                if (!follower.id.empty() && job.at("id") != follower.id)
                    continue;
                found = true;
                if (follower.id.empty() && is_final(job))
                    continue;  // the page lists past renders itself
                stream.send(event(job));
                if (!follower.id.empty() && is_final(job)) {
                    stream.finish();
                    return true;
                }
            }
            if (!follower.id.empty() && !found) {
                stream.finish();
                return true;
            }
            return !stream.is_open();
        }
        for (const auto& [id, text] : changed) {
            if (follower.id.empty() || follower.id == id) {
                stream.send(text);
                if (!follower.id.empty() && final[id]) {
                    stream.finish();
                    return true;
                }
            }
        }
        for (const std::string& id : changes.deleted) {
            if (follower.id.empty()) {
                stream.send(event({{"id", id}, {"state", "deleted"}}));
            } else if (follower.id == id) {
                stream.finish();
                return true;
            }
        }
        return !stream.is_open();
    });
}

}  // namespace bgv::studio
