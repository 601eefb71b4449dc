#include "model/biggan/precision.h"

#include "runtime/cpu_isa.h"

namespace bgv::biggan {

std::string_view precision_name(Precision precision) {
    return precision == Precision::fp32 ? "fp32" : "bf16";
}

Precision precision_on_this_cpu(Precision requested) {
    return requested == Precision::bf16 && runtime::supports_bf16(runtime::cpu_isa())
               ? Precision::bf16
               : Precision::fp32;
}

}  // namespace bgv::biggan
