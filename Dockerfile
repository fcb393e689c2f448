# The app as the README installs it, for running several replicas (deploy/kubernetes.yaml).
# Build: docker build -t tensor-playground .   Run: docker run -p 8501:8501 tensor-playground
FROM python:3.11-slim

# libgl/glib for OpenCV's headless wheel, fonts for the drawings' labels.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libglib2.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY .streamlit ./.streamlit
COPY app_pages ./app_pages
COPY components ./components
COPY locales ./locales
COPY models ./models

# Downloads (models, data, LiteRT conversions) go here; mount a volume to keep them.
ENV PLAYGROUND_CACHE_DIR=/cache
RUN useradd --create-home playground && mkdir /cache && chown playground /cache
USER playground

EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
