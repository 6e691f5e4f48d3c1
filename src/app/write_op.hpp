#pragma once
// A write use case is split in two: the checks that need no lock (permission, validation,
// password hashing) run on the caller's thread and produce a WriteOp; the WriteOp runs on the
// one writer connection inside a transaction. The HTTP layer submits it asynchronously, the CLI
// waits for it with Writer::run(). Either way a result is only seen after the commit.
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "store/connection.hpp"
#include "store/writer.hpp"

namespace rapport::app {

template <typename T>
using WriteOp = std::function<T(store::Connection&)>;

// The result of an asynchronous write: a value or the error that stopped it.
template <typename T>
struct Outcome {
  std::exception_ptr error;
  std::optional<T> value;
  // The value, or rethrows the error.
  T& get() {
    if (error) std::rethrow_exception(error);
    return *value;
  }
};

template <typename T>
void submit(store::Writer& writer, WriteOp<T> op, std::function<void(Outcome<T>)> done) {
  auto result = std::make_shared<std::optional<T>>();
  writer.submit([op = std::move(op), result](store::Connection& c) { result->emplace(op(c)); },
                [result, done = std::move(done)](std::exception_ptr e) {
                  Outcome<T> out;
                  out.error = e;
                  if (!e) out.value = std::move(*result);
                  done(std::move(out));
                });
}

}  // namespace rapport::app
