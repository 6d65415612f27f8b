# Triton Inference Server with this package's model repository baked in (CPU; its ONNX Runtime backend).
FROM nvcr.io/nvidia/tritonserver:25.01-py3

COPY --chown=root:root model_repository /models

# The image's own unprivileged user, triton-server (uid 1000).
USER 1000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD ["curl", "--fail", "--silent", "http://127.0.0.1:8000/v2/health/ready"]
CMD ["tritonserver", "--model-repository=/models", "--allow-grpc=false", "--allow-metrics=false"]
