# Workshop image: classic Jupyter Notebook 6 with the Go (warren) kernel and
# the exercise notebooks.
#
#   CGO_ENABLED=0 make build                  # bin/warren, a static binary
#   podman build -t warren-workshop .         # or docker build
#   podman run --rm -p 8888:8888 warren-workshop
#
# then open the http://127.0.0.1:8888/?token=... URL the container prints
# (set your own token with -e JUPYTER_TOKEN=...). The notebooks are in
# /home/ray/notebooks (exercises/, solutions/, data/); they live in the
# container, so mount a volume there if work should outlive it.
#
# With the native tier (%%native cells, %go get), the image also carries the
# Go toolchain, gcc and warren's source and module cache, and warren is built
# with cgo and -trimpath against the source's path in the image:
#
#   make docker-native-context                # stages .docker/ and bin/warren
#   podman build --build-arg NATIVE=1 -t warren-workshop .
#
# That binary links the host's C library: build it on Debian bookworm (or a
# system with glibc <= 2.36).
#
# Size cost of NATIVE=1 (sizes on the host, Debian bookworm; the image itself
# was not built): the Go 1.26.8 toolchain is 270 MB unpacked; gcc-12, cpp-12,
# libgcc-12-dev, libc6-dev and binutils are about 140 MB installed; warren's
# module cache about 100 MB (yaegi, x/net, gonum, zmq4 and x/text alone are
# 83 MB): roughly +510 MB over the interpreted-only image. The first native
# cell in a container also fills the Go build cache in the user's home
# (the standard library compiled for plugins).
#
# Why warren is built outside the image: the build context is the
# repository root, and the image builds without network access to a
# container registry or the Go module proxy. There is no golang base image
# to build in, and Debian bookworm's Go is far older than go.mod needs, so
# a multi-stage build would have to download a Go toolchain and the
# modules. Instead the binary is built on the host (`make build` with
# CGO_ENABLED=0, so it does not depend on the host's C library) and copied
# in; everything else comes from Debian packages. WARREN_BIN selects another
# binary inside the context (tests/docker/run.sh uses this).
#
# The base image is Debian bookworm. Where no registry is reachable, make it
# locally (tests/docker/run.sh does this when it is missing):
#   debootstrap --variant=minbase bookworm DIR http://deb.debian.org/debian
#   tar -C DIR -c . | podman import - debian:bookworm-slim
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1

# jupyter-notebook: the classic Notebook 6 server and UI; jupyter-nbconvert:
# `jupyter nbconvert`, to run notebooks from a terminal; tini: PID 1 that
# forwards signals and reaps processes; ca-certificates so Go code in cells
# can use HTTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      jupyter-notebook jupyter-nbconvert tini ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*

# NATIVE=1: the Go toolchain (.docker/go.tar.gz, unpacked by ADD into
# /usr/local/go), gcc for cgo, warren's source at the path the binary
# records (/opt/warren/src) and its module cache. `make
# docker-native-context` stages them; with NATIVE unset .docker/ may be empty
# and nothing is installed.
ARG NATIVE=
# A bind mount, not COPY: the tarballs do not stay in a layer.
RUN --mount=type=bind,source=.docker,target=/tmp/native \
    if [ -n "$NATIVE" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends gcc libc6-dev \
      && apt-get clean && rm -rf /var/lib/apt/lists/* \
      && tar -C /usr/local -xzf /tmp/native/go.tar.gz \
      && mkdir -p /opt/warren/gomod \
      && tar -C /opt/warren -xzf /tmp/native/src.tar.gz \
      && tar -C /opt/warren/gomod -xzf /tmp/native/mod.tar.gz; \
    fi
ENV PATH=/usr/local/go/bin:$PATH \
    GOMODCACHE=/opt/warren/gomod/mod

ARG WARREN_BIN=bin/warren
COPY ${WARREN_BIN} /usr/local/bin/warren
# --sys-prefix asks python3 for sys.prefix (/usr): the kernelspec lands in
# /usr/share/jupyter/kernels/warren, pointing at /usr/local/bin/warren.
RUN chmod 0755 /usr/local/bin/warren \
 && warren version \
 && warren install --sys-prefix \
 && python3 -c 'from jupyter_client.kernelspec import KernelSpecManager as M; \
print(M().get_kernel_spec("warren").argv)'

RUN useradd --create-home --uid 1000 --shell /bin/bash ray \
 && if [ -d /opt/warren/gomod ]; then chown -R ray:ray /opt/warren/gomod; fi
COPY --chown=ray:ray notebooks/exercises /home/ray/notebooks/exercises
COPY --chown=ray:ray notebooks/solutions /home/ray/notebooks/solutions
# Exercise 2 (scraping) reads ../data/commits relative to its notebook.
COPY --chown=ray:ray notebooks/data /home/ray/notebooks/data

USER ray
WORKDIR /home/ray/notebooks
ENV HOME=/home/ray
EXPOSE 8888
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["jupyter", "notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser", \
     "--notebook-dir=/home/ray/notebooks", \
     "--MappingKernelManager.default_kernel_name=warren"]
