#include <gtest/gtest.h>

#include <string>

#include "checkpoint/unpickler.h"
#include "core/error.h"
#include "fixtures.h"

namespace bgv::checkpoint {
namespace {

using Kind = PickleValue::Kind;
using namespace std::string_literals;

Unpickled run(const std::string& pickle) {
    const auto bytes = test::bytes_of(pickle);
    return unpickle(bytes);
}

// The message of the bgv::Error that unpickling `pickle` throws ("" when it does not throw).
std::string refusal(const std::string& pickle) {
    try {
        run(pickle);
    } catch (const Error& error) {
        return describe(error);
    }
    return "";
}

TEST(Unpickler, ReadsScalarsAndContainers) {
    // {'a': (1, -1, 300, 70000, True, None, 1.5), 'b': [u'x', b'y']}, protocol 2 opcodes.
    const std::string pickle =
        "\x80\x02}q\x00(X\x01\x00\x00\x00"
        "a(K\x01\x8a\x01\xffM\x2c\x01J\x70\x11\x01\x00"
        "\x88NG\x3f\xf8\x00\x00\x00\x00\x00\x00tX\x01\x00\x00\x00"
        "b]q\x01(\x8c\x01xC\x01yeu."s;
    const Unpickled result = run(pickle);
    EXPECT_EQ(result.bytes_read, pickle.size());
    const PickleValue& dict = result.at(result.root);
    ASSERT_EQ(dict.kind, Kind::dict);
    ASSERT_EQ(dict.items.size(), 4u);
    EXPECT_EQ(result.at(dict.items[0]).text, "a");
    const PickleValue& tuple = result.at(dict.items[1]);
    ASSERT_EQ(tuple.kind, Kind::tuple);
    ASSERT_EQ(tuple.items.size(), 7u);
    EXPECT_EQ(result.at(tuple.items[0]).integer, 1);
    EXPECT_EQ(result.at(tuple.items[1]).integer, -1);
    EXPECT_EQ(result.at(tuple.items[2]).integer, 300);
    EXPECT_EQ(result.at(tuple.items[3]).integer, 70000);
    EXPECT_EQ(result.at(tuple.items[4]).kind, Kind::boolean);
    EXPECT_EQ(result.at(tuple.items[5]).kind, Kind::none);
    EXPECT_EQ(result.at(tuple.items[6]).floating, 1.5);
    const PickleValue& list = result.at(dict.items[3]);
    ASSERT_EQ(list.kind, Kind::list);
    ASSERT_EQ(list.items.size(), 2u);
    EXPECT_EQ(result.at(list.items[0]).kind, Kind::text);
    EXPECT_EQ(result.at(list.items[1]).kind, Kind::bytes);
}

TEST(Unpickler, StopsAtTheFirstStop) {
    const Unpickled result = run("\x80\x02K\x07.\x80\x02K\x08."s);
    EXPECT_EQ(result.bytes_read, 5u);
    EXPECT_EQ(result.at(result.root).integer, 7);
}

TEST(Unpickler, MemoSharesMutableObjects) {
    // l = []; l2 = l; l.append(l2) — a self-reference must neither hang nor leak.
    const Unpickled result =
        run("\x80\x02]q\x00h\x00"
            "a."s);
    const PickleValue& list = result.at(result.root);
    ASSERT_EQ(list.items.size(), 1u);
    EXPECT_EQ(list.items[0], result.root);
}

TEST(Unpickler, RefusesGlobalsOutsideTheStateDictSet) {
    // Each names its global in the error; nothing is imported or called.
    EXPECT_NE(refusal("\x80\x02"
                      "cos\nsystem\nX\x02\x00\x00\x00lsq\x01\x85R."s)
                  .find("os.system"),
              std::string::npos);
    EXPECT_NE(refusal("cbuiltins\neval\n."s).find("builtins.eval"), std::string::npos);
    EXPECT_NE(
        refusal("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x8c\x06system\x93."s)
            .find("posix.system"),
        std::string::npos);
    EXPECT_NE(refusal("ctorch\nload\n."s).find("torch.load"), std::string::npos);
    EXPECT_NE(refusal("ctorch._utils\n_rebuild_qtensor\n."s).find("torch._utils._rebuild_qtensor"),
              std::string::npos);
    EXPECT_NE(refusal("c\x01\x02\nx\n."s).find("\\x01\\x02.x"),
              std::string::npos);  // escaped for printing
}

TEST(Unpickler, RefusesOpcodesOutsideTheStateDictSet) {
    EXPECT_NE(refusal("(cos\nsystem\nS'ls'\ni__main__\nX\n."s).find("os.system"),
              std::string::npos);
    EXPECT_NE(refusal("(X\x01\x00\x00\x00"
                      "ai__main__\nX\n."s)
                  .find("INST"),
              std::string::npos);
    EXPECT_NE(refusal("\x80\x02K\x01\x32."s).find("DUP"), std::string::npos);
    EXPECT_NE(refusal("\x80\x02\x82\x01."s).find("EXT1"), std::string::npos);
    EXPECT_NE(refusal("\x80\x02\x8f."s).find("EMPTY_SET"), std::string::npos);
    EXPECT_NE(refusal("\x80\x02\xff."s).find("unknown opcode 0xff"), std::string::npos);
    EXPECT_NE(refusal("\x80\x09K\x01."s).find("protocol 9"), std::string::npos);
}

TEST(Unpickler, RefusesCallsOfNonCallablesAndBadArguments) {
    EXPECT_NE(refusal("\x80\x02K\x01)R."s).find("not callable"), std::string::npos);
    EXPECT_NE(refusal("\x80\x02"
                      "ccollections\nOrderedDict\nK\x01\x85R."s)
                  .find("OrderedDict called"),
              std::string::npos);
    EXPECT_NE(refusal("\x80\x02"
                      "ctorch._utils\n_rebuild_tensor_v2\nK\x01\x85R."s)
                  .find("1 arguments"),
              std::string::npos);
    EXPECT_NE(refusal("\x80\x02]K\x01"
                      "b."s)
                  .find("BUILD on a list"),
              std::string::npos);
}

TEST(Unpickler, MalformedInputGivesErrorsNotCrashes) {
    const std::string cases[] = {
        ""s,                            // empty
        "\x80\x02"s,                    // no STOP
        "."s,                           // STOP on an empty stack
        "\x80\x02R."s,                  // REDUCE underflow
        "\x80\x02(K\x01u."s,            // SETITEMS with nothing below the mark
        "\x80\x02K\x01K\x02s."s,        // SETITEM on an int
        "\x80\x02t."s,                  // TUPLE without MARK
        "\x80\x02h\x05."s,              // memo never stored
        "\x80\x02j\xff\xff\xff\xff."s,  // huge memo index
        "\x80\x02q\x00."s,              // PUT on an empty stack
        "\x80\x02X\xff\xff\xff\xff"
        "abc."s,                                           // string longer than the input
        "\x80\x02\x8d\xff\xff\xff\xff\xff\xff\xff\xff."s,  // 2^64 - 1 byte string
        "\x80\x02T\x00\x00\x00\x80."s,                     // negative BINSTRING length
        "\x80\x02\x8a\x05\x01\x02."s,                      // LONG1 past the end
        "\x80\x02"
        "cos\n"s,  // GLOBAL cut short
        "\x80\x02"
        "c"s +
            std::string(1000, 'a') + "\nb\n."s,  // absurd module name
        "\x80\x02Q."s,                           // BINPERSID underflow
        "\x80\x02K\x01\x93."s,                   // STACK_GLOBAL underflow
    };
    for (const std::string& pickle : cases)
        EXPECT_THROW(run(pickle), Error) << testing::PrintToString(pickle);
}

TEST(Unpickler, DeepNestingNeedsNoRecursion) {
    // 200000 nested lists: built iteratively, stored flat, freed flat.
    const std::size_t depth = 200000;
    std::string pickle = "\x80\x02"s;
    for (std::size_t i = 0; i < depth; ++i)
        pickle += "]";
    for (std::size_t i = 1; i < depth; ++i)
        pickle += "a";
    pickle += ".";
    const Unpickled result = run(pickle);
    EXPECT_EQ(result.values.size(), depth);
    // And as many unclosed MARKs: refused when they are used wrongly, never a crash.
    EXPECT_THROW(run("\x80\x02"s + std::string(depth, '(') + "."s), Error);
}

}  // namespace
}  // namespace bgv::checkpoint
