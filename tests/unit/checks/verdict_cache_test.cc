// The verdict cache: clean blob ids per gate fingerprint, kept only where the user alone can write.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <cstdlib>
#include <fstream>

#include "checks/verdict_cache.h"
#include "support/scratch.h"

using namespace smokehook;

namespace {

BlobId id_of(const char* hex) {
  BlobId id{};
  REQUIRE(blob_id_from_hex(hex, &id));
  return id;
}

}  // namespace

TEST_CASE("blob ids: 40 lowercase hex digits", "[verdicts]") {
  BlobId id{};
  CHECK(blob_id_from_hex("00112233445566778899aabbccddeeff00112233", &id));
  CHECK(id[0] == 0x00);
  CHECK(id[5] == 0x55);
  CHECK(id[19] == 0x33);
  CHECK_FALSE(blob_id_from_hex("", &id));
  CHECK_FALSE(blob_id_from_hex("0011", &id));
  CHECK_FALSE(blob_id_from_hex("00112233445566778899AABBCCDDEEFF00112233", &id));
  CHECK_FALSE(blob_id_from_hex("0011223344556677889zaabbccddeeff00112233", &id));
}

TEST_CASE("clean verdicts survive a save, per fingerprint only", "[verdicts]") {
  test::TempDir dir("verdicts");
  std::string cache_dir = dir.path() + "/cache";
  BlobId a = id_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
         b = id_of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
         c = id_of("cccccccccccccccccccccccccccccccccccccccc");
  {
    VerdictCache cache(cache_dir);
    CleanBlobs* gate = cache.gate("forbid\nX");
    REQUIRE(gate);
    CHECK_FALSE(gate->known(a));
    gate->add(b);
    gate->add(c);
    gate->add(a);
    gate->add(a);
    CHECK_FALSE(gate->known(a));  // added verdicts count from the next run on
    cache.save();
  }
  struct stat st;
  REQUIRE(::stat(cache_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  VerdictCache again(cache_dir);
  CHECK(again.gate("forbid\nX")->known(a));
  CHECK(again.gate("forbid\nX")->known(b));
  CHECK_FALSE(again.gate("forbid\nY")->known(a));  // other rules: nothing known
  CHECK(::stat(again.file_for("forbid\nX").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  SECTION("a file others may write is not trusted") {
    ::chmod(again.file_for("forbid\nX").c_str(), 0666);
    CHECK_FALSE(VerdictCache(cache_dir).gate("forbid\nX")->known(a));
  }
  SECTION("a folder others may write is not trusted") {
    ::chmod(cache_dir.c_str(), 0777);
    CHECK_FALSE(VerdictCache(cache_dir).gate("forbid\nX")->known(a));
  }
  SECTION("a file that is not sorted ids after the header is a miss") {
    std::string file = again.file_for("forbid\nX");
    std::string text;
    {
      std::ifstream in(file, std::ios::binary);
      text.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The ids are a, b, c, 20 bytes each, at the end. Saved as a, c, b, a binary search still
    // finds a: only the check that the ids are sorted makes this a miss.
    REQUIRE(text.size() >= 60);
    REQUIRE(text.compare(text.size() - 60, 20, std::string(a.begin(), a.end())) == 0);
    std::string swapped = text.substr(0, text.size() - 40) + text.substr(text.size() - 20) +
                          text.substr(text.size() - 40, 20);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << swapped;
    CHECK_FALSE(VerdictCache(cache_dir).gate("forbid\nX")->known(a));
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() - 1);
    CHECK_FALSE(VerdictCache(cache_dir).gate("forbid\nX")->known(a));
  }
  SECTION("no folder: no cache") { CHECK(VerdictCache("").gate("forbid\nX") == nullptr); }
}
