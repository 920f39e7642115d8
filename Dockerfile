# syntax=docker/dockerfile:1
# FakeApiServer as a container: docker build -t fakeapiserver . && docker run -p 6443:6443 -v fakeapiserver-data:/data fakeapiserver
# The build step is the same `dotnet publish` that .ci/run runs, so CI exercises it without a Docker engine.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/FakeApiServer -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The aspnet images ship the non-root user "app" (uid 1654); /data is its, so the SQLite store can be written.
RUN mkdir -p /data && chown app:app /data
USER app
VOLUME ["/data"]
EXPOSE 6443
# The shipped appsettings.json (next to the dll) applies; these flags override bind address, port and data folder.
ENTRYPOINT ["dotnet", "/app/fakeapiserver.dll", "--bind-address", "0.0.0.0", "--port", "6443", "--data-dir", "/data"]
# The aspnet image has no curl or wget; bash's /dev/tcp sends a plain HTTP request to /readyz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6443 && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
