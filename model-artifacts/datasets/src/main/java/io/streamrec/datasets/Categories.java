package io.streamrec.datasets;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The coarse, deterministic item category of the Online Retail II derivative, derived from the item's title.
 *
 * <p>The title is upper-cased and split into tokens at every character that is not {@code A-Z} or {@code 0-9}
 * (so {@code "T-LIGHT"} gives {@code T} and {@code LIGHT}). The rows of {@link #TABLE} are tried in order; the
 * first row with a keyword equal to one of the tokens gives the category. No match gives {@link #OTHER}. The
 * order matters: {@code "CHRISTMAS LIGHTS"} is {@code christmas}, {@code "HEART T-LIGHT HOLDER"} is
 * {@code candles_lighting}. Change the table only together with a regeneration of the shipped files.
 */
public final class Categories {
    /** The category of a title that matches no keyword. */
    public static final String OTHER = "other";

    /** Category → keywords, in match order. */
    public static final Map<String, Set<String>> TABLE = table(
            "christmas", "CHRISTMAS XMAS ADVENT SANTA REINDEER SNOWMAN SNOWFLAKE NATIVITY BAUBLE BAUBLES",
            "jewellery", "NECKLACE NECKLACES BRACELET BRACELETS EARRINGS BROOCH DIAMANTE JEWELLERY JEWELLED"
                    + " BEAD BEADS CHARM PENDANT RING RINGS",
            "candles_lighting", "CANDLE CANDLES CANDLEHOLDER TEALIGHT TEALIGHTS VOTIVE LIGHT LIGHTS LANTERN"
                    + " LANTERNS LAMP LAMPSHADE INCENSE OIL",
            "bags", "BAG BAGS HANDBAG PURSE SHOPPER TOTE RUCKSACK BACKPACK",
            "kitchen_dining", "MUG MUGS CUP CUPS TEACUP TEAPOT TEA COFFEE PLATE PLATES BOWL BOWLS DISH JUG JAR"
                    + " CUTLERY COASTER COASTERS NAPKIN NAPKINS PLACEMAT APRON OVEN TRAY KITCHEN LUNCH CAKE CAKES"
                    + " CAKESTAND BAKING TEATIME TUMBLER GLASSES SPOON SPOONS",
            "stationery_cards", "CARD CARDS WRAP PAPER NOTEBOOK NOTEBOOKS NOTEPAD PEN PENS PENCIL PENCILS STICKER"
                    + " STICKERS TAPE ENVELOPE ENVELOPES GREETING JOURNAL ERASER RIBBON RIBBONS TISSUE TISSUES"
                    + " CALENDAR DIARY",
            "toys_kids", "TOY TOYS DOLL DOLLY JIGSAW GAME GAMES PUZZLE CHILDS CHILDRENS CHILDREN KIDS TEDDY"
                    + " CRAYONS SPACEBOY SKIPPING BALLOON BALLOONS",
            "garden", "GARDEN PARASOL BIRDHOUSE WATERING PLANT PLANTER FEEDER",
            "home_decor", "CUSHION FRAME MIRROR CLOCK SIGN DOORSTOP HOOK HOOKS VASE DECORATION GARLAND ORNAMENT"
                    + " CABINET DRAWER DRAWERS SHELF STOOL TABLE TILE BUNTING DOORMAT HANGER HANGING WREATH PHOTO"
                    + " PICTURE PLAQUE QUILT THROW BASKET BASKETS MAGNET MAGNETS");

    /** Every category value that can occur, in table order, then {@link #OTHER}. */
    public static final List<String> ALL = Stream.concat(TABLE.keySet().stream(),
            Stream.of(OTHER)).toList();

    private static final Pattern NON_TOKEN = Pattern.compile("[^A-Z0-9]+");

    private Categories() {
    }

    /** The category of a title (see the class comment). */
    public static String of(String title) {
        Set<String> tokens = new HashSet<>();
        for (String token : NON_TOKEN.split(title.toUpperCase(Locale.ROOT))) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        for (Map.Entry<String, Set<String>> row : TABLE.entrySet()) {
            for (String keyword : row.getValue()) {
                if (tokens.contains(keyword)) {
                    return row.getKey();
                }
            }
        }
        return OTHER;
    }

    private static Map<String, Set<String>> table(String... pairs) {
        Map<String, Set<String>> t = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            t.put(pairs[i], Set.of(pairs[i + 1].split(" ")));
        }
        return Collections.unmodifiableMap(t);
    }
}
