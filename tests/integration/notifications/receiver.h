#pragma once

// A small HTTP receiver standing in for a WeChat-work webhook or an SMS gateway: answers each POST with
// the status `respond` returns for the 1-based request number, and keeps the bodies it accepted.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "boost/asio/ip/tcp.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"

namespace minyi::testing {

class WebhookReceiver final {
 public:
  explicit WebhookReceiver(std::function<int(int request_number)> respond)
      : respond_(std::move(respond)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this] { Serve(); }) {}

  ~WebhookReceiver() {
    stop_ = true;
    boost::beast::error_code ec;
    acceptor_.close(ec);
    // Wake accept() with one last connection.
    try {
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::socket s(ioc);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    } catch (const std::exception&) {
    }
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int requests() const { return requests_; }
  std::vector<std::string> accepted() {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  void set_respond(std::function<int(int)> respond) {
    std::lock_guard<std::mutex> lock(mu_);
    respond_ = std::move(respond);
  }

 private:
  void Serve() {
    namespace http = boost::beast::http;
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) {
        continue;
      }
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) {
        continue;
      }
      const int n = ++requests_;
      int status;
      {
        std::lock_guard<std::mutex> lock(mu_);
        status = respond_(n);
        if (status >= 200 && status < 300) {
          accepted_.push_back(req.body());
        }
      }
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      res.body() = "{}";
      res.prepare_payload();
      http::write(socket, res, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  std::function<int(int)> respond_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = acceptor_.local_endpoint().port();
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::vector<std::string> accepted_;
  std::thread thread_;
};

}  // namespace minyi::testing
