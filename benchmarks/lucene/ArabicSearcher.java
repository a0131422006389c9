// Lucene baseline for benchmarks/eval_relevance.py (benchmark-only; never part of arsearch).
//
//   java -cp CLASSES:lucene-core.jar:lucene-analyzers-common.jar:lucene-queryparser.jar \
//       ArabicSearcher INDEX_DIR TOPICS.tsv DEPTH MODE > RUN.txt
//
// Searches an index ArabicIndexer wrote (title and text analyzed by Lucene's ArabicAnalyzer) for
// each topic of TOPICS.tsv ("qid<TAB>question"), scored by Lucene's BM25 (k1 1.2, b 0.75: what
// Elasticsearch uses), each word of the question OR-ed as a reader's query string is. MODE says how
// the two fields meet, as Elasticsearch's multi_match types do:
//   most_fields  each word's title and text scores summed (Lucene's MultiFieldQueryParser)
//   best_fields  each word's better field only (a dis_max per word, tie 0)
//   text         the text field alone
// Prints the run in TREC form: "qid Q0 id rank score lucene-MODE", DEPTH hits a topic.

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public final class ArabicSearcher {
    private static List<String> terms(Analyzer analyzer, String text) throws Exception {
        List<String> found = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                found.add(term.toString());
            }
            stream.end();
        }
        return found;
    }

    private static Query query(List<String> words, String mode) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        for (String word : words) {
            Query text = new TermQuery(new Term("text", word));
            Query title = new TermQuery(new Term("title", word));
            Query clause;
            if (mode.equals("text")) {
                clause = text;
            } else if (mode.equals("best_fields")) {
                clause = new DisjunctionMaxQuery(List.of(title, text), 0.0f);
            } else {
                clause = new BooleanQuery.Builder()
                    .add(title, BooleanClause.Occur.SHOULD)
                    .add(text, BooleanClause.Occur.SHOULD)
                    .build();
            }
            any.add(clause, BooleanClause.Occur.SHOULD);
        }
        return any.build();
    }

    public static void main(String[] args) throws Exception {
        int depth = Integer.parseInt(args[2]);
        String mode = args[3];
        Analyzer analyzer = new ArabicAnalyzer();
        try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(Paths.get(args[0])));
             BufferedReader topics = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity());
            StringBuilder run = new StringBuilder();
            String line;
            while ((line = topics.readLine()) != null) {
                String[] parts = line.split("\t", 2);
                if (parts.length < 2) {
                    continue;
                }
                List<String> words = terms(analyzer, parts[1]);
                if (words.isEmpty()) {
                    continue;
                }
                ScoreDoc[] hits = searcher.search(query(words, mode), depth).scoreDocs;
                for (int rank = 0; rank < hits.length; rank++) {
                    String id = searcher.doc(hits[rank].doc).get("id");
                    run.append(parts[0]).append(" Q0 ").append(id).append(' ').append(rank + 1).append(' ')
                        .append(hits[rank].score).append(" lucene-").append(mode).append('\n');
                }
            }
            System.out.print(run);
        }
    }
}
