// --v4l2: what can be shown without the v4l2loopback kernel module (not loadable on the machines
// that run these tests): a path that is not a V4L2 output device is refused with a clear error
// when the output opens, before the session starts. Writing frames to a real loopback device and
// OBS reading them was not shown here (docs/live-io.md).
#include <gtest/gtest.h>

#include "live/v4l2_output.h"
#include "support/errors.h"

using namespace bgv::live;

TEST(V4l2Output, APathThatIsNoCameraDeviceIsRefused) {
    const std::string not_v4l2 =
        bgv::test::error_of([] { V4l2Output output("/dev/null", 64, 64); });
    EXPECT_EQ(not_v4l2,
              "cannot use /dev/null as a camera (a v4l2loopback device is needed): "
              "Inappropriate ioctl for device");
    const std::string missing =
        bgv::test::error_of([] { V4l2Output output("/dev/no_such_video9", 64, 64); });
    EXPECT_EQ(missing,
              "cannot use /dev/no_such_video9 as a camera (a v4l2loopback device is "
              "needed): No such file or directory");
    EXPECT_EQ(bgv::test::error_of([] { V4l2Output output("/dev/null", 65, 64); }),
              "picture size 65x64 must be positive and even");
}
