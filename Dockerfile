# syntax=docker/dockerfile:1
# The warren workshop image: a Jupyter docker-stacks image (JupyterLab 4)
# with the Go (warren) kernel as the default kernel, the workshop notebooks
# in /home/jovyan/work, and the Go toolchain and gcc, so that %%native cells
# and %go get work. Build it from a clean checkout; nothing is built on the
# host:
#
#   docker build -t warren .                     # or: make docker
#   docker run --rm -p 8888:8888 warren          # open the URL it prints
#
# Stage `build` compiles warren with cgo (the native tier loads Go plugins)
# in GO_IMAGE and downloads its modules from GOPROXY; the build needs
# network access to the Go module proxy (or a GOPROXY mirror). The final
# stage adds to BASE_IMAGE, which must follow the docker-stacks conventions
# (user NB_USER/NB_UID in group NB_GID, start-notebook.py, Debian or Ubuntu
# with apt-get):
#   /usr/local/go          the Go toolchain warren was built with: plugins
#                          load only when built by the same toolchain
#   /opt/warren/src        warren's source, the path the binary records
#                          (native/identity.go): plugins build against it
#   /opt/warren/gomod      the module cache (GOMODCACHE), owned by NB_USER
#                          so that %go get can add modules
#   /usr/local/bin/warren  the kernel; kernelspec in
#                          /usr/local/share/jupyter/kernels/warren
# Native builds use the same paths in both stages, so that the packages a
# plugin shares with the kernel compile identically.
ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=quay.io/jupyter/minimal-notebook

FROM ${GO_IMAGE} AS build
# The Go module proxy used by the build (a mirror where proxy.golang.org is
# not reachable).
ARG GOPROXY=https://proxy.golang.org,direct
ENV CGO_ENABLED=1 \
    GOFLAGS=-modcacherw \
    GOMODCACHE=/opt/warren/gomod \
    GOTOOLCHAIN=local \
    GOPROXY=${GOPROXY}
WORKDIR /opt/warren/src
# Modules first: this layer is reused until go.mod or go.sum change. On a
# network that intercepts TLS, pass its CA bundle as the build secret
# `cacerts` (docker build --secret id=cacerts,src=FILE); it is used for this
# download only and is not stored in the image.
COPY go.mod go.sum ./
RUN --mount=type=secret,id=cacerts,required=false \
    if [ -s /run/secrets/cacerts ]; then export SSL_CERT_FILE=/run/secrets/cacerts; fi \
 && go mod download && go mod verify
COPY . .
# GOPROXY=off: the build uses only the modules downloaded above.
RUN --mount=type=cache,target=/root/.cache/go-build \
    GOPROXY=off make build BIN=/opt/warren/bin/warren WARREN_SRC=/opt/warren/src BUILDFLAGS=-buildvcs=false \
 && /opt/warren/bin/warren version

FROM ${BASE_IMAGE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
USER root
# gcc and the C library headers: Go plugins are built with cgo.
RUN apt-get update --yes \
 && apt-get install --yes --no-install-recommends gcc libc6-dev \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/go /usr/local/go
COPY --from=build /opt/warren/src /opt/warren/src
COPY --from=build --chown=${NB_UID}:${NB_GID} /opt/warren/gomod /opt/warren/gomod
COPY --from=build /opt/warren/bin/warren /usr/local/bin/warren
ENV PATH=/usr/local/go/bin:${PATH} \
    GOMODCACHE=/opt/warren/gomod \
    GOFLAGS=-modcacherw \
    GOTOOLCHAIN=local
# The kernelspec goes to /usr/local/share/jupyter, a system-wide kernel
# directory for any Python environment (conda's or Debian's); warren becomes
# the server's default kernel through /usr/local/etc/jupyter, a system-wide
# config directory the docker-stacks images leave empty.
COPY docker/jupyter_server_config.json /usr/local/etc/jupyter/jupyter_server_config.json
COPY docker/warren-healthcheck /usr/local/bin/warren-healthcheck
RUN warren version \
 && warren install --prefix /usr/local \
 && go version \
 && install -d -o "${NB_UID}" -g "${NB_GID}" /opt/warren/gocache
ENV GOCACHE=/opt/warren/gocache

USER ${NB_UID}
# The first %%native cell and the first module import of a session compile
# the standard library and yaegi's extract for plugins (about a minute each
# on 2 cores), and type-checking cells that import net/http or
# golang.org/x/net/html reads export data built on first use. WARM_NATIVE=1
# does all that once here, offline, into GOCACHE
# (about 118 MB); WARM_NATIVE=0 leaves it to each container. GOSUMDB=off:
# the module cache was verified against warren's go.sum in the build stage.
ARG WARM_NATIVE=1
RUN if [ "${WARM_NATIVE}" = 1 ]; then \
      GOPROXY=off GOSUMDB=off warren run /opt/warren/src/docker/warm-native.ipynb; \
    fi
COPY --chown=${NB_UID}:${NB_GID} notebooks/README.md notebooks/native_speedup.ipynb /home/${NB_USER}/work/
COPY --chown=${NB_UID}:${NB_GID} notebooks/exercises /home/${NB_USER}/work/exercises
COPY --chown=${NB_UID}:${NB_GID} notebooks/solutions /home/${NB_USER}/work/solutions
# Exercise 2 (scraping) reads ../data/commits relative to its notebook.
COPY --chown=${NB_UID}:${NB_GID} notebooks/data /home/${NB_USER}/work/data
WORKDIR /home/${NB_USER}

ENV JUPYTER_PORT=8888
EXPOSE 8888
# Healthy when the Jupyter server answers its REST API and warren runs.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/warren-healthcheck"]
CMD ["start-notebook.py"]

# Last, so that a new revision or date rebuilds only this layer.
ARG WARREN_VERSION=
ARG VCS_REF=
ARG BUILD_DATE=
LABEL org.opencontainers.image.title="warren workshop" \
      org.opencontainers.image.description="JupyterLab with the warren Go kernel (Ray-style parallel Go in notebooks), the Go toolchain and the workshop notebooks" \
      org.opencontainers.image.source="https://github.com/warren-go/warren" \
      org.opencontainers.image.url="https://github.com/warren-go/warren" \
      org.opencontainers.image.documentation="https://github.com/warren-go/warren#docker-image" \
      org.opencontainers.image.version="${WARREN_VERSION}" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}"
