# The Mahavishnu backend with its standalone dashboard pages, built from this repository (SQLite in the /data volume).
FROM node:20-bookworm
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends g++ make python3 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
ENV npm_config_build_from_source=better-sqlite3
RUN npm ci
COPY . .
RUN npm run build:backend && npm run build:pages
EXPOSE 8080
CMD ["node", "backend/bin/mahavishnu.js", "incidents", "start", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
