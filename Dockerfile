# sessionrec: build on Debian 12 with the project's own dependency script, then run the
# server from a slim runtime image with the model directory mounted read-only:
#
#   docker build -t sessionrec .
#   docker run --rm -p 5000:5000 -v "$PWD/model:/model:ro" sessionrec
#
# The same steps without Docker: scripts/install-deps.sh; cmake (Release) + ninja sessionrec;
# sessionrec serve --model-dir model --host 0.0.0.0 (see docs/http-api.md).

FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSESSIONREC_BUILD_TESTS=OFF \
 && ninja -C build sessionrec \
 && strip build/src/sessionrec

FROM debian:12-slim AS runtime
# Only the shared libraries the binary links (fastText, XGBoost, Abseil, spdlog, fmt,
# simdjson, zlib, OpenMP), no compilers.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      libfasttext0 libxgboost0 libsimdjson14 libspdlog1.10 libfmt9 libgomp1 zlib1g \
      libabsl20220623 libtbb12 libzstd1 libhiredis0.14 libprometheus-cpp-core1.0 \
      curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/src/sessionrec /usr/local/bin/sessionrec
RUN useradd --system --no-create-home sessionrec
USER sessionrec
VOLUME /model
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s CMD curl -sf http://127.0.0.1:5000/health || exit 1
# SIGTERM (docker stop) drains in-flight requests and exits 0.
ENTRYPOINT ["sessionrec", "serve", "--model-dir", "/model", "--host", "0.0.0.0", "--port", "5000"]
