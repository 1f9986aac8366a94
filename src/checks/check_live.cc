// The live kind: an HTTP probe of a running service (the original script's
// --full mode). Runs only with `--all --full`, never from a hook.
#include <curl/curl.h>
#ifndef SMOKEHOOK_LINK_CURL
#include <dlfcn.h>
#endif
#include <re2/re2.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "checks/kinds.h"
#include "compose/interpolate.h"
#include "compose/project.h"

namespace smokehook {
namespace {

// libcurl is loaded on first use: it and its dependency tree (TLS, LDAP, ...)
// cost ~14 ms of start-up on every run, and only --full ever needs it. The
// static release binary (SMOKEHOOK_LINK_CURL) has libcurl linked in instead:
// a statically linked glibc program cannot dlopen() a shared library.
struct Curl {
  CURLcode (*global_init)(long);
  CURL* (*init)();
  CURLcode (*setopt)(CURL*, CURLoption, ...);
  CURLcode (*perform)(CURL*);
  CURLcode (*getinfo)(CURL*, CURLINFO, ...);
  void (*cleanup)(CURL*);
  const char* (*strerror)(CURLcode);
};

const Curl* load_curl(std::string* err) {
  static Curl curl;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
#ifdef SMOKEHOOK_LINK_CURL
    curl = Curl{curl_global_init,  curl_easy_init,    curl_easy_setopt,  curl_easy_perform,
                curl_easy_getinfo, curl_easy_cleanup, curl_easy_strerror};
#else
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      error = "live checks need libcurl (Debian: apt-get install libcurl4): " + std::string(dlerror());
      return;
    }
    auto sym = [&](const char* name) { return dlsym(lib, name); };
    curl.global_init = reinterpret_cast<decltype(curl.global_init)>(sym("curl_global_init"));
    curl.init = reinterpret_cast<decltype(curl.init)>(sym("curl_easy_init"));
    curl.setopt = reinterpret_cast<decltype(curl.setopt)>(sym("curl_easy_setopt"));
    curl.perform = reinterpret_cast<decltype(curl.perform)>(sym("curl_easy_perform"));
    curl.getinfo = reinterpret_cast<decltype(curl.getinfo)>(sym("curl_easy_getinfo"));
    curl.cleanup = reinterpret_cast<decltype(curl.cleanup)>(sym("curl_easy_cleanup"));
    curl.strerror = reinterpret_cast<decltype(curl.strerror)>(sym("curl_easy_strerror"));
    if (!curl.global_init || !curl.init || !curl.setopt || !curl.perform || !curl.getinfo || !curl.cleanup ||
        !curl.strerror) {
      error = "libcurl.so.4 lacks the easy interface";
      return;
    }
#endif
    curl.global_init(CURL_GLOBAL_DEFAULT);
  });
  *err = error;
  return error.empty() ? &curl : nullptr;
}

// HTTPS verifies the server's certificate against the system's CA bundle:
// SSL_CERT_FILE when set, else the first bundle found where Linux
// distributions (and macOS) keep theirs. The same in every build, so that a
// libcurl compiled for one distribution checks certificates on another.
std::string ca_bundle(std::string* looked) {
  if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) {
    *looked = std::string(env) + " (SSL_CERT_FILE)";
    return access(env, R_OK) == 0 ? env : "";
  }
  static const char* const kBundles[] = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Gentoo
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL, CentOS 7+
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/ssl/cert.pem",                                  // Alpine, macOS, BSDs
      "/etc/pki/tls/cacert.pem",                            // OpenELEC
  };
  looked->clear();
  for (const char* path : kBundles) {
    if (access(path, R_OK) == 0) return path;
    *looked += (looked->empty() ? "" : ", ") + std::string(path);
  }
  return "";
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool status_expected(const std::string& spec, long status) {
  for (const auto& part : split_commas(spec)) {
    if (part.size() == 3 && (part[1] == 'x' || part[1] == 'X') &&
        (part[2] == 'x' || part[2] == 'X')) {
      if (status / 100 == part[0] - '0') return true;
    } else if (std::to_string(status) == part) {
      return true;
    }
  }
  return false;
}

class Http : public Check {
 public:
  std::string url;
  std::string expect_status = "2xx";
  std::shared_ptr<const Regex> body_re;
  long long timeout_ms = 5000;
  long long retries = 0;

  Triggers triggers(RunContext&) const override { return {}; }

  CheckResult run(RunContext&) const override {
    CheckResult r;
    InterpolationResult u = interpolate(url, process_environment());
    if (!u.error.empty()) return failed(r, "url: " + u.error);
    std::string problem;
    const Curl* curl = load_curl(&problem);
    if (!curl) return failed(r, problem);
    for (long long attempt = 0; attempt <= retries; ++attempt) {
      if (attempt)
        std::this_thread::sleep_for(
            std::chrono::milliseconds(200 << std::min<long long>(attempt - 1, 4)));
      problem = probe(*curl, u.value);
      if (problem.empty()) {
        r.message = "GET " + u.value + " answered as expected";
        return r;
      }
    }
    return failed(
        r, problem + (retries ? " (after " + std::to_string(retries + 1) + " attempts)" : ""));
  }

 private:
  static CheckResult& failed(CheckResult& r, std::string message) {
    r.status = CheckStatus::Fail;
    r.message = message;
    r.findings.push_back(Finding{"", 0, 0, std::move(message)});
    return r;
  }

  std::string probe(const Curl& lib, const std::string& target) const {
    CURL* curl = lib.init();
    if (!curl) return "cannot initialise the HTTP client";
    std::string body;
    auto write = +[](char* data, size_t size, size_t n, void* out) -> size_t {
      auto* b = static_cast<std::string*>(out);
      if (b->size() < (1 << 20)) b->append(data, size * n);
      return size * n;
    };
    lib.setopt(curl, CURLOPT_URL, target.c_str());
    lib.setopt(curl, CURLOPT_NOSIGNAL, 1L);
    lib.setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
    lib.setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
    lib.setopt(curl, CURLOPT_WRITEFUNCTION, write);
    lib.setopt(curl, CURLOPT_WRITEDATA, &body);
    lib.setopt(curl, CURLOPT_NOPROXY, "*");
    std::string scheme = target.substr(0, 8);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme == "https://") {
      std::string looked;
      std::string bundle = ca_bundle(&looked);
      if (bundle.empty()) {
        lib.cleanup(curl);
        return "GET " + target + ": no CA certificates to verify HTTPS with (looked in " + looked +
               "); install the system's CA bundle (Debian: ca-certificates) or set SSL_CERT_FILE";
      }
      lib.setopt(curl, CURLOPT_CAINFO, bundle.c_str());
    }
    CURLcode rc = lib.perform(curl);
    long status = 0;
    lib.getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    lib.cleanup(curl);
    if (rc != CURLE_OK) return "GET " + target + ": " + lib.strerror(rc);
    if (!status_expected(expect_status, status))
      return "GET " + target + " answered " + std::to_string(status) + ", expected " +
             expect_status;
    if (body_re && !body_re->search(body))
      return "GET " + target + ": the body does not match /" + body_re->pattern() + "/";
    return "";
  }
};

}  // namespace

std::unique_ptr<Check> make_http(CheckReader& r) {
  auto c = std::make_unique<Http>();
  c->live = true;
  if (!r.string("url", &c->url, true) || !r.string("expect_status", &c->expect_status, false) ||
      !r.regex("body_matches", &c->body_re, false) ||
      !r.integer("timeout_ms", &c->timeout_ms, false) || !r.integer("retries", &c->retries, false))
    return nullptr;
  return c;
}

}  // namespace smokehook
