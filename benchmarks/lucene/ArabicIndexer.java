// Lucene baseline for benchmarks/bench_index.py (benchmark-only; never part of arsearch).
//
//   java -cp CLASSES:lucene-core.jar:lucene-analyzers-common.jar ArabicIndexer ARTICLES.tsv INDEX_DIR BATCH [BUFFER_MB]
//
// Reads one article per line, "id<TAB>title<TAB>text" with \t, \n, \r and \\ escaped, and indexes it
// with Lucene's ArabicAnalyzer (what Elasticsearch, OpenSearch and Solr call "arabic"): title and
// text analyzed and stored, the id as an exact stored value, a commit every BATCH articles (and at
// the end), one indexing thread (the caller's) and a BUFFER_MB buffer (default 128: tantivy's
// writer heap in arsearch). Prints one JSON line: articles, seconds (reading the file to the last
// commit, JVM start excluded).

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

public final class ArabicIndexer {
    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        int batch = Integer.parseInt(args[2]);
        long started = System.nanoTime();
        double bufferMb = args.length > 3 ? Double.parseDouble(args[3]) : 128;
        IndexWriterConfig config = new IndexWriterConfig(new ArabicAnalyzer()).setRAMBufferSizeMB(bufferMb);
        long articles = 0;
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(Paths.get(args[1])), config);
             BufferedReader lines = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                String[] parts = line.split("\t", 3);
                Document document = new Document();
                document.add(new StringField("id", parts[0], Field.Store.YES));
                document.add(new TextField("title", unescape(parts[1]), Field.Store.YES));
                document.add(new TextField("text", unescape(parts[2]), Field.Store.YES));
                writer.addDocument(document);
                if (++articles % batch == 0) {
                    writer.commit();
                }
            }
            writer.commit();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println("{\"articles\": " + articles + ", \"seconds\": " + seconds + "}");
    }
}
