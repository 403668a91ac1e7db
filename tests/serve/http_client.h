// Tiny HTTP/1.1 clients for the server tests: a keep-alive client on Beast's synchronous
// API, and a raw socket for sending arbitrary bytes.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sessionrec::testing {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string allow;
  bool keep_alive = false;
  std::map<std::string, std::string> headers;  // every response header, by lowercase name
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(uint16_t port) : stream_(ioc_) {
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), port));
  }

  HttpResult Send(boost::beast::http::verb method, const std::string& target,
                  const std::string& body = "", const HeaderList& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    HttpResult out;
    out.status = res.result_int();
    out.body = res.body();
    out.content_type = std::string(res[http::field::content_type]);
    out.allow = std::string(res[http::field::allow]);
    out.keep_alive = res.keep_alive();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.headers[name] = std::string(f.value());
    }
    return out;
  }
  HttpResult Get(const std::string& target) { return Send(boost::beast::http::verb::get, target); }
  HttpResult Post(const std::string& target, const std::string& body) {
    return Send(boost::beast::http::verb::post, target, body);
  }

 private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

// A blocking TCP socket to the server's port with a receive timeout.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port,
                     std::chrono::milliseconds recv_timeout = std::chrono::milliseconds(5000)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{};
    tv.tv_sec = recv_timeout.count() / 1000;
    tv.tv_usec = (recv_timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return ok_; }
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until the peer closes (returns true) or the receive timeout passes (false).
  bool ReadUntilClosed(std::string* out) {
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      out->append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

}  // namespace sessionrec::testing
