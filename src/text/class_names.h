// text/class_names: the 1000 ImageNet class names the lyrics are matched against (the
// imagenet-simple-labels list, MIT licence), compiled into the binary so an install needs no data.
#pragma once

#include <string>
#include <vector>

namespace bgv::text {

// Index = ImageNet class id, 0..999.
const std::vector<std::string>& imagenet_class_names();

}  // namespace bgv::text
