// bigganviz generate: images (or raw outputs) from the BigGAN-deep generator for given noise and
// class vectors, or for classes with seeded truncated noise.
#include <fmt/format.h>

#include "choreo/checks.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "core/npy.h"
#include "core/random.h"
#include "image/png.h"
#include "model/biggan/generator.h"
#include "model/biggan/image_difference.h"
#include "store/model_table.h"
#include "store/store.h"

namespace bgv::cli {

namespace {

constexpr int kBatch = 4;  // images per forward pass: bounds memory at 512 px

struct Inputs {
    int count = 0;
    std::vector<float> z, y;
};

// A file's contents are not the command line: a bad shape or value is exit code 1, not 2.
std::vector<float> read_matrix(const std::string& path, int columns, const char* what) {
    const auto array = read_npy_f32(path);
    if (array.shape.size() != 2 || array.shape[1] != columns || array.shape[0] < 1)
        fail("{}: {}s must be (B, {}), got {}", path, what, columns, shape_string(array.shape));
    choreo::check_vector_values(array.data, columns, what, path);
    return array.data;
}

Inputs inputs_from_args(const Args& args, const biggan::Config& config, double truncation) {
    Inputs in;
    if (args.has("noise") || args.has("class_vector")) {
        if (!args.has("noise") || !args.has("class_vector"))
            fail_usage("--noise and --class-vector go together");
        if (args.has("classes"))
            fail_usage("give either --noise/--class-vector or --classes, not both");
        in.z = read_matrix(args.text("noise"), config.z_dim, "noise vector");
        in.y = read_matrix(args.text("class_vector"), config.num_classes, "class vector");
        const auto rows_z = in.z.size() / config.z_dim, rows_y = in.y.size() / config.num_classes;
        if (rows_z != rows_y)
            fail("{} noise vectors but {} class vectors", rows_z, rows_y);
        in.count = static_cast<int>(rows_z);
        return in;
    }
    if (!args.has("classes"))
        fail_usage("give --noise and --class-vector, or --classes");
    const auto classes = args.integers("classes");
    const auto per_class = args.integer("count");
    std::uint64_t seed = 0;
    if (args.has("seed")) {
        seed = static_cast<std::uint64_t>(args.integer("seed"));
    } else {
        seed = draw_seed();
        log::info("seed {}", seed);
    }
    Random random(seed);
    for (auto id : classes) {
        if (id < 0 || id >= config.num_classes)
            fail_usage("class {} is outside 0..{}", id, config.num_classes - 1);
        for (std::int64_t k = 0; k < per_class; ++k) {
            const std::size_t at = in.z.size();
            in.z.resize(at + config.z_dim);
            fill_truncated_noise(random, truncation, std::span(in.z).subspan(at));
            std::vector<float> one_hot(config.num_classes, 0.0f);
            one_hot[id] = 1.0f;
            in.y.insert(in.y.end(), one_hot.begin(), one_hot.end());
            ++in.count;
        }
    }
    return in;
}

std::vector<float> generate_all(biggan::Generator& generator, const Inputs& in) {
    const auto& config = generator.config();
    const std::size_t image = static_cast<std::size_t>(3) * generator.width() * generator.height();
    std::vector<float> images(image * in.count);
    for (int first = 0; first < in.count; first += kBatch) {
        const int batch = std::min(kBatch, in.count - first);
        generator.generate(
            std::span(in.z).subspan(static_cast<std::size_t>(first) * config.z_dim,
                                    static_cast<std::size_t>(batch) * config.z_dim),
            std::span(in.y).subspan(static_cast<std::size_t>(first) * config.num_classes,
                                    static_cast<std::size_t>(batch) * config.num_classes),
            batch, std::span(images).subspan(first * image, batch * image));
    }
    return images;
}

}  // namespace

int run_generate(const Args& args) {
    std::string model_name;
    if (args.has("model"))
        model_name = args.text("model");
    else if (args.has("resolution"))
        model_name =
            store::biggan_model_for_resolution(static_cast<int>(args.integer("resolution")));
    else if (!args.has("weights"))
        fail_usage("--weights PATH, --model NAME or -r RESOLUTION is required");
    if (!args.has("out"))
        fail_usage("--out PATH (.npy or .png) is required");
    const std::filesystem::path out = args.text("out");
    const auto ext = out.extension().string();
    if (ext != ".npy" && ext != ".png")
        fail_usage("--out {}: the name must end in .npy or .png", out.string());
    const double truncation = args.number("truncation");
    const biggan::Grid grid =
        biggan::grid_for_aspect(biggan::parse_aspect(args.optional_text("aspect").value_or("1:1")),
                                biggan::parse_widen(args.text("widen")));
    const auto weights = store::weights_or_model(args.optional_text("weights"), model_name);
    const int threads = static_cast<int>(args.integer("threads"));
    const auto precision =
        args.text("precision") == "bf16" ? biggan::Precision::bf16 : biggan::Precision::fp32;
    auto generator = biggan::Generator::load(weights, truncation, threads, precision);
    generator.set_grid(grid);
    const auto& config = generator.config();
    const Inputs in = inputs_from_args(args, config, truncation);
    if (in.count == 0)
        fail_usage("nothing to generate");
    const int width = generator.width(), height = generator.height();
    const std::size_t image = static_cast<std::size_t>(3) * width * height;
    std::vector<float> images = generate_all(generator, in);
    if (generator.precision() == biggan::Precision::bf16) {
        // bf16 is opt-in until its images are shown close to fp32's: say how close these are.
        auto reference = biggan::Generator::load(weights, truncation, threads);
        reference.set_grid(grid);
        const std::vector<float> fp32 = generate_all(reference, in);
        double lowest_psnr = 99.0, highest_l2 = 0.0;
        for (int i = 0; i < in.count; ++i) {
            const auto d =
                biggan::image_difference(std::span(images).subspan(i * image, image),
                                         std::span(fp32).subspan(i * image, image), height, width);
            lowest_psnr = std::min(lowest_psnr, d.psnr_db);
            highest_l2 = std::max(highest_l2, d.relative_l2);
        }
        log::info(
            "bf16 against fp32 on these {} image{}: PSNR {:.1f} dB (lowest), rel. L2 {:.2e} "
            "(highest)",
            in.count, in.count > 1 ? "s" : "", lowest_psnr, highest_l2);
    }
    if (ext == ".npy") {
        write_npy(out, images, {in.count, 3, height, width});
        log::info("wrote {} ({} images, {}×{})", out.string(), in.count, width, height);
        return 0;
    }
    std::vector<std::uint8_t> rgb(image);
    for (int i = 0; i < in.count; ++i) {
        biggan::to_rgb8(std::span(images).subspan(i * image, image), width, height, rgb);
        std::filesystem::path path = out;
        if (in.count > 1)
            path.replace_filename(fmt::format("{}_{:03}.png", out.stem().string(), i));
        image::write_png_rgb(path, rgb, width, height);
    }
    log::info("wrote {} image{} of {}×{}", in.count, in.count > 1 ? "s" : "", width, height);
    return 0;
}

}  // namespace bgv::cli
