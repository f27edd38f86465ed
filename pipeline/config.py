"""The pipeline's settings: one dataclass, one place for every default.

The CLI flags of ``pipeline.run`` and ``pipeline.evaluate`` and the app's sidebar map onto
these fields one to one.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.coins import DEEP, PAINT_MARGIN
from pipeline.colour import COLOUR_MODES
from pipeline.finger_gaps import DARK_GROUND
from pipeline.landmark_prior import GRABCUT_ROUNDS
from pipeline.sleeves import SLEEVE_COLOUR


#: the wide look's crop margin, chosen on validation (docs/val_sweep_wide_look.json)
WIDE_LOOK_MARGIN = 1.0
#: and the half-angle of its forearm cone, in degrees
WIDE_LOOK_CONE = 60.0
#: the fingertip gate's reach in palm lengths (docs/val_sweep_tip_reach.json)
FINGERTIP_REACH = 0.3
#: the colour edge's least contrast between hand and background, RGB distance
#: (docs/val_sweep_colour_edge.json)
COLOUR_EDGE_CONTRAST = 20.0


@dataclass(frozen=True)
class PipelineConfig:
    #: "auto" (MediaPipe + our YOLO, boxes merged) measured best; see docs/detection.md
    detector: str = "auto"
    #: probability above which a refined pixel is hand
    threshold: float = 0.5
    #: crop margin per side, as a fraction of the detected hand box. Smaller than the training
    #: crops' (``DEFAULT_MARGIN``, 0.25, jittered by 12 %): the U-Net then sees the hand larger,
    #: and a crop the mask runs out of grows anyway. Chosen on validation
    #: (docs/val_sweep_margin.json): boundary F1 up on every set at 0.15.
    margin: float = 0.15
    max_hands: int = 4
    #: times a crop may grow when the mask runs off its edge (forearms past the hand box)
    max_grow: int = 4
    grow_factor: float = 1.5
    #: a crop whose mask covers more than this share of one of its edges (in the photo) does not
    #: grow, lest background the model got wrong spread. 1 (never) since session 57: at 0.6, the
    #: old rule, a forearm running along a crop's edge stopped its crop, and the cut-out ended
    #: in a straight line; the checks of grown crops added since (``grow_check``,
    #: ``regrow_rescued``, the skeleton anchor) catch the spreading (docs/pipeline_steps.md)
    grow_flood: float = 1.0
    #: a second, wider look at each hand with landmarks: the crop with this margin (0: off) adds
    #: what it sees as hand outside the hand's box, new to the mask and touching the wrist (within
    #: ``context_reach`` palm lengths of it). A forearm the tight crop ended at the wrist, inside
    #: the crop, never triggers growth; seen with the elbow in the crop, the U-Net continues it
    #: (see ``pipeline.core.paste_context``). IoU up on all four validation sets, level on the
    #: refit's held-back photos (docs/val_sweep_wide_look*.json)
    context_margin: float = WIDE_LOOK_MARGIN
    context_reach: float = 0.5
    #: and it adds only within this many degrees of the direction from the middle knuckle to the
    #: wrist (a forearm's way; not a pale sheet beside the palm)
    context_cone: float = WIDE_LOOK_CONE
    #: let the wide look also fill, inside the hand's box, what it sees as hand within
    #: ``context_reach`` of the wrist and inside the cone: the tight crop often leaves a notch
    #: of wrist out where its box ends, between the hand and the forearm the wide look added
    context_wrist_fill: bool = False
    #: show a hand lying across the photo (forearm leaving by the left or right) to the U-Net
    #: after a quarter turn, vertical as most of its training hands are (see
    #: pipeline/orientation.py). On since v10, which was trained with quarter turns: with v4/v5
    #: it cost HGR's sideways gestures (docs/val_sweep_upright_crops.json); with v10 it is up or
    #: level on every validation set but one (docs/val_sweep_v10_upright.json, models/README.md)
    upright_crops: bool = True
    #: and only a hand tilted more than this many degrees from vertical is turned. 60, not 45:
    #: a diagonal hand is as diagonal turned as not, so its turn gains nothing; level with 45 on
    #: every validation set (docs/val_sweep_upright_tilt.json), and at 45 the wood-table sample
    #: (tilted 45.5 degrees) took a block of wood beside the wrist for forearm
    upright_tilt: float = 60.0
    #: guided-filter edge refinement against the full-resolution photo
    refine: bool = True
    refine_eps: float = 1e-3
    #: components smaller than this fraction of the largest are specks
    speck_fraction: float = 0.02
    #: keep only mask components that touch a detected hand's box: a hand, and the arm joined to
    #: it, always do; a blob the U-Net imagined in an empty corner of a grown crop does not
    anchor_to_hands: bool = True
    #: with ``anchor_to_hands``, a hand with landmarks anchors only the components that reach its
    #: palm, its finger bones or the forearm's way out of the wrist, not any corner of its box
    #: (``landmark_prior.skeleton_anchor``). No labelled validation photo changes (session 22,
    #: docs/val_sweep_skeleton_anchor*.json); on the hand_boxes photos 4 of 684 do, all for the
    #: better: a neck beside the hand and three objects (a cup, a toy) beside the fingers go
    anchor_to_skeleton: bool = True
    #: enclosed holes smaller than this fraction of the hand are filled (coins, rings)
    hole_fraction: float = 0.05
    #: ... except a hole mostly off the hand's landmark shape that shows the background's colour:
    #: the ring a thumb and a finger close (pipeline/holes.py; session 48: up on every validation
    #: set but one photo, docs/val_sweep_open_rings_*.json)
    open_rings: bool = True
    #: ... and such a ring the model filled itself is opened where it has the background's colour
    #: (pipeline.holes.filled_rings; session 48: up or level on every validation set,
    #: docs/val_sweep_filled_rings_*.json)
    open_filled_rings: bool = True
    #: use MediaPipe's landmarks as a shape prior: palm and finger bones are always hand, and a
    #: crop whose mask covers less than ``prior_agreement`` of them is re-segmented with GrabCut.
    #: 0.9, not 0.8 (session 19): a mask leaving 10-20 % of the skeleton out is a holed or
    #: cluttered one on real photos; level or up on every labelled validation set
    #: (docs/val_sweep_prior_agreement.json), better by eye on most hand_boxes photos it changes
    landmark_prior: bool = True
    prior_agreement: float = 0.9
    #: leave out of that skeleton a finger the model left out whose colour is the background's
    #: beside it, not the palm's: MediaPipe drew a finger folded out of sight on the background,
    #: and GrabCut seeded with it took in the background (pipeline/landmark_prior.phantom_fingers)
    phantom_fingers: bool = True
    #: when GrabCut rescued a hand's first crop, re-segment its grown crops with GrabCut too
    #: (seeded by the skeleton and the previous crop's mask; see landmark_prior.rescue_grown).
    #: Never fires on the labelled validation sets; chosen by eye on hand_boxes photos (docs/pipeline_steps.md)
    regrow_rescued: bool = True
    #: and the model's mask there counts as probable hand only within this half-angle (degrees)
    #: of the way from the middle knuckle to the wrist, where a forearm goes (0: everywhere).
    #: Without it, rectangles of floor or window frame the grown crop's model took for hand were
    #: kept; at 60 a validation photo lost an upper arm bent back up, which 75 keeps
    #: (docs/pipeline_steps.md; docs/val_sweep_regrow_cone.json)
    regrow_cone: float = 75.0
    #: with ``regrow_rescued``, the hand's wide look (``context_margin``) is re-segmented the
    #: same way, and may only lose pixels by it, before it may carry the forearm on. No labelled
    #: validation photo changes (docs/val_sweep_rescue_wide_look*.json); chosen by eye on the
    #: hand_boxes photos (docs/pipeline_steps.md): wood, a branch, a dark object beside the wrist go
    rescue_wide_look: bool = True
    #: a grown crop (or a hand's wide look) that calls hand, inside the smaller crop's footprint,
    #: more than this share of what the smaller crop kept there is re-segmented with GrabCut
    #: seeded by the smaller crop's hand and background, and may only lose pixels (see
    #: pipeline/scale_check.py; 0: never). It takes out the rectangles of floor, wood or window
    #: grid a fooled grown crop left beside forearms. Level or up on every labelled validation
    #: set at 0.1 (0.05 cost hgr; docs/val_sweep_grow_check.json); by eye on the hand_boxes
    #: photos it changes, 24 better, 2 worse (docs/pipeline_steps.md)
    grow_check: float = 0.1
    #: and each crop of a hand without landmarks (a YOLO box MediaPipe did not confirm) is
    #: checked the same way against the last crop of an overlapping hand with landmarks.
    #: Identical on the labelled validation sets (docs/val_sweep_check_unconfirmed.json); 4
    #: hand_boxes photos changed, all better (docs/pipeline_steps.md)
    check_unconfirmed: bool = True
    #: a first crop the landmark prior trusts is checked against the photo's colours: GrabCut,
    #: seeded by the skeleton and the model's mask, takes away patches of background the mask
    #: kept (granite or cloth between spread fingers), each at least this share of the hand
    #: (0: off; see pipeline/colour_check.py). Up on every labelled validation set
    #: (docs/val_sweep_colour_check*.json: photo backgrounds +1.0 IoU points, skin-coloured
    #: surfaces +0.9); 0.005 over 0.01 and 0.0025 by small margins
    colour_check: float = 0.005
    #: and leaves the forearm's cone from the wrist unjudged. Without the exemption validation is
    #: a little higher still (photo backgrounds +0.6 IoU points more), but on real photos (by eye,
    #: hand_boxes) it cut shaded forearms off at the wrist
    colour_check_cone: bool = True
    #: the half-angle of that cone, in degrees: 25 over the wide look's 60 (session 38,
    #: docs/val_sweep_colour_check_cone_deg.json, IoU points): photo backgrounds +0.7, person-wise
    #: hgr +0.2, faces, skin-coloured surfaces and distractors +0.1, the rest within 0.05. On
    #: hand_boxes (by eye, 38 of 601 training photos changed) a floor, a cushion, a pink cloth or a
    #: dark wall beside the wrist went, and a shaded forearm cut at the wrist came back whole
    #: (IMG_3903); two photos lost a little forearm far from the wrist (45IMG, 5-100-)
    colour_check_cone_deg: float = 25.0
    #: the mirror of ``colour_check``: pieces of the hand the model left out of a trusted first
    #: crop (a strip of palm beside a dark jacket, the wrist against an orange suit), which
    #: GrabCut finds to have the hand's colours, are given back inside the palm, the fingers'
    #: capsules and the wrist's cone, each at least this share of the hand and not much darker
    #: than it (0: off; see pipeline/colour_check.py). Session 35, validation IoU points: hands
    #: beside faces +1.3, skin-coloured surfaces +0.7, photo backgrounds +0.5, coins +0.3/+0.4,
    #: the other families up by less; person-wise hgr -0.05, 11k Hands +0.1; the refit's held-back
    #: 11k Hands photos -0.2 (a sleeve, a shadow between fingers) (docs/val_sweep_colour_fill*.json)
    colour_fill: float = 0.005
    #: every crop of a hand with landmarks (first, grown and the wide look) loses the pieces of its
    #: mask outside the hand's landmark shape whose Lab chroma is over this many times the hand's
    #: (floored at typical skin's; 0: off; see pipeline/colour_check.py:vivid_pieces): an orange
    #: suit the model took for a forearm, which each grown crop then followed further. Session
    #: 36, validation: hands beside faces +1.8 IoU points (8 photos better, none worse), every
    #: other labelled set identical; 1.4 scored the same, 2.0 +1.5
    #: (docs/val_sweep_vivid_trim*.json)
    vivid_trim: float = 1.6
    #: GrabCut's "probable hand" band around the landmark skeleton, as a fraction of the crop side
    #: (0: none, only the skeleton seeds the hand; see pipeline/landmark_prior.py)
    grabcut_band: float = 0.0
    #: GrabCut's rounds where it redraws a hand's crop (the landmark prior's rescue, its grown
    #: crops and wide look, the scale check; the colour check runs its own two). Two would save
    #: about 0.1 s on a hand rescued twice and scored level on validation
    #: (docs/val_sweep_grabcut_two_*.json), but on real photos they cut wrists and forearms off
    #: straight (docs/pipeline_steps.md, "Landmark prior and the GrabCut rescue")
    grabcut_rounds: int = GRABCUT_ROUNDS
    #: a fingertip the model cut off from its hand (a ring, an over-exposed joint) is joined back
    #: along the finger's landmark bones (see pipeline/landmark_prior.bridge_fingers)
    finger_bridge: bool = True
    #: a watch or bracelet the mask left as a gap across the forearm is filled (it belongs to the
    #: cut-out like a ring; see pipeline/wrist_bridge.py)
    wrist_bridge: bool = True
    #: and bridge a notch across the wrist too (its sides joined by a sliver along one edge),
    #: when no clean cut is found (pipeline/wrist_bridge.py). Level on every labelled validation
    #: set (docs/val_sweep_wrist_notches_*.json); on hand_boxes photos it closes the strip left
    #: between a hand's crop and the wide look's forearm, and bracelets held by a sliver
    wrist_notches: bool = True
    #: fingers end at their tips: straight ahead of a hand's fingers (past its knuckles, in a band
    #: as wide as the hand) its mask is dropped farther than this many palm lengths from its
    #: landmarks' hull (a neck or poster joined to a fingertip; see
    #: pipeline/landmark_prior.beyond_fingertips); 0 = off
    tip_reach: float = FINGERTIP_REACH
    #: the mask's edge is re-drawn by colour (a pixel that is plainly the background's colour
    #: leaves, one plainly the hand's joins) where hand and background differ by this much (RGB
    #: distance; see pipeline/refine.colour_edge); 0 = off
    colour_edge: float = COLOUR_EDGE_CONTRAST
    #: ... and within this many knuckle spans of a fingertip's landmark, on a background darker
    #: than the hand, an outline pixel of the background's colour and no brighter than it leaves
    #: whatever its hue (the dark, skin-tinted rim round palm_open's fingertips, which the hue test
    #: keeps as shade). Only there: on the whole outline it cut shaded dark skin beside a coin's
    #: rim (docs/rejected/README.md). Session 51: every validation set level
    #: (docs/val_sweep_tip_rims_*.json); 0 = off
    tip_rims: float = 0.25
    #: a sleeve or cuff the model kept as forearm is cut off where it starts: down the forearm
    #: from the wrist, the first slice this far from the palm's colour (CIELAB), after skin and
    #: with no skin after it (pipeline/sleeves.py); 0 = off
    sleeve_cut: float = SLEEVE_COLOUR
    #: the gaps between spread fingers are opened where the mask filled them with pixels of the
    #: colour of the background seen in the same gap (see pipeline/finger_gaps.py)
    finger_gaps: bool = True
    #: ... and where it filled them with the background in the fingers' shadow: darker than the
    #: background seen there but of its chromaticity, not the skin's (pipeline/finger_gaps.shadows).
    #: Up on every 11k Hands set, level elsewhere; it can cut a silver coin lying across a finger
    #: gap (grey on a white table, like a shadow), so the coins and round things the circle
    #: finder sees are spared (pipeline/coins.coin_discs), though not every one (session 43, docs/pipeline_steps.md)
    gap_shadows: bool = True
    #: ... reading the background seen in a gap as several colours (a striped flag, a busy print)
    #: and each gap pixel against the nearest (pipeline/finger_gaps.ground_colours). Session 43:
    #: up or level on every validation set (docs/val_sweep_gap_colours_*.json)
    gap_colours: bool = True
    #: in a gap whose background is darker than this share of the hand's brightness, a mask pixel
    #: of the background's colour and no brighter than it is background whatever its hue (the
    #: dark seat tinted red by the skin at the bottom of palm_open's gaps; a patch, not a thin
    #: crease; pipeline/finger_gaps.DARK_GROUND). Session 51: level or up on every validation
    #: set (docs/val_sweep_gap_dark_*.json); 0 = off
    gap_dark_ground: float = DARK_GROUND
    #: ... and a background colour seen in only a small share of a gap's open part, when it is
    #: seen there as a patch, not a line, and is not of the skin's hue (the black bezel below a
    #: laptop's white screen at the bottom of the sample's gaps; pipeline/finger_gaps.MINOR_SHARE).
    #: Session 52: every validation set within 0.0001 but faces, up 0.0003 boundary F1
    #: (docs/val_sweep_gap_minor_*.json)
    gap_minor_colours: bool = True
    #: the hand's cast shadow on a plain near-neutral surface (white, grey), taken out along its
    #: whole outline (beside the thumb, the forearm, the little finger), where the finger-gap step
    #: does not look: broad pieces of the mask near its edge that are the surface dimmed and that
    #: the open background reaches (pipeline/edge_shadows.py). Session 45: up or level on every
    #: validation set (docs/val_sweep_edge_shadows_*.json); 8 of the 684 hand_boxes photos change
    edge_shadows: bool = True
    #: put back a stretch of a finger the mask lost (lit pink from behind, shaded brown) along
    #: its bones, where it is plainly not the background seen around it (pipeline/finger_fill.py).
    #: Up or level on every validation set (docs/val_sweep_finger_fill_*.json)
    finger_fill: bool = True
    #: ... the thumb's too, from its knuckle out (session 30: up or level on every validation
    #: set, docs/val_sweep_thumb_fill_*.json; 9 of the 684 hand_boxes photos change, each
    #: given back a thumb tip or a whole thumb)
    finger_fill_thumb: bool = True
    #: a finger the mask stopped short of its tip landmark (a pale nail on a dark hand), its
    #: middle bone and last joint held, gets its last bone back as a capsule of its own
    #: width ending past the tip landmark, where it is plainly not the background round the tip
    #: (pipeline/tip_fill.py; 13 validation photos up, none down: docs/val_sweep_tip_fill_*.json,
    #: docs/pipeline_steps.md "Fingertips stopped short")
    tip_fill: bool = True
    #: give back a coin lying on the hand that the mask bit out where it reaches the hand's edge
    #: (pipeline/coins.py): a round disc of a coin's size on a palm, mostly surrounded by hand,
    #: unlike both the skin and the table round it
    keep_coins: bool = True
    #: a coin lying on a palm in a hand's first crop is painted over with the skin round it and
    #: the hand segmented again from that copy of the photo (pipeline/coins.py,
    #: ``coins_to_paint``): the U-Net, seeing a coin, tended to drop the skin beside it too
    paint_coins: bool = True
    #: a circle this many palm lengths inside the palm's outline is painted without the table
    #: rule (``pipeline.coins.coins_to_paint``; session 33, docs/val_sweep_paint_deep_*.json):
    #: there it can be no gap between fingers, and what the rule took for table was skin the
    #: model had dropped beside a pale coin (inf: the rule everywhere, as in session 32)
    paint_deep: float = DEEP
    #: the painted disc's radius in the coin's fitted radii, plus 2 px: the fit can lock onto a
    #: coin's raised rim or the short axis of a tilted coin, leaving a crescent of coin showing
    #: (session 32: 1.04)
    paint_margin: float = PAINT_MARGIN
    #: keep faces out of the masks: skin of a detected face, outside every hand's box, is
    #: background (a face mostly inside a hand's box is the face detector firing on the hand
    #: and is ignored; see detection/faces.py)
    face_guard: bool = True
    #: with the ``auto`` detector, a hand box without landmarks (YOLO's, not confirmed by
    #: MediaPipe) that holds most of a detected face is that face (the YOLO model takes faces
    #: for hands) and is dropped; with no hand left, faces are still kept out of the
    #: whole-photo mask (detection/faces.faces_not_hands)
    faces_not_hands: bool = True
    #: ... unless the box reaches half a face width or more past the face's left or right
    #: side: then it is a raised hand boxed with the face beside it, and is cut down to that
    #: side (detection/faces.trim_beside_face); on the face validation set two such hands,
    #: which MediaPipe never found, were dropped and the photo segmented whole
    face_trim: bool = True
    #: the face guard spares a landmark hand's shape (palm and finger capsules,
    #: detection/faces.hand_shape) and forearm rather than its whole box, so a cheek inside the
    #: box beside or between the fingers is still face, and ignores a "face" only when it lies
    #: inside the hand's landmark outline (a fist), not inside the box ``auto`` grew to a YOLO
    #: box holding the hand and the face beside it
    face_spare_outline: bool = True
    #: ... and still a face inside the hand's outline that shows between its spread fingers
    #: (less than half its box inside the hand's palm and finger shape, not both eyes on it:
    #: detection/faces.seen_behind_hand); without this a hand held over a face left the face
    #: in the mask
    face_behind_hand: bool = True
    #: the finger capsules the face guard spares reach this many palm lengths either side of
    #: the bones (a finger is about 0.2 palm lengths wide; detection/faces.hand_shape). On the
    #: face validation set 0.2 / 0.15 / 0.12 / 0.10 / 0.08 gave IoU 0.8588 / 0.8663 / 0.8698 /
    #: 0.8705 / 0.8688 and boundary F1 0.7005 / 0.7034 / 0.7106 / 0.7091 / 0.6969: wider
    #: capsules spare the cheek between two fingertips, narrower ones cut the fingers' edges
    #: (docs/val_sweep_face_spare_width_*.json)
    face_spare_width: float = 0.12
    #: ... and the last capsule of each finger runs on this many palm lengths past the tip
    #: landmark (its round end already reaches ``face_spare_width`` past it). 0.15 until
    #: session 56 spared the cheek or brow just above fingertips held over a face
    #: (docs/val_sweep_face_spare_nail_*.json)
    face_spare_nail: float = 0.0
    #: the face guard also keeps the neck below each face out of the masks
    face_neck: bool = True
    #: fail instead of segmenting the whole image when no hand is found
    require_hand: bool = False
    #: when no hand is found and the whole image is segmented, or a hand box has no landmarks
    #: (YOLO's alone), keep only the mask's parts whose outline follows a change of colour in
    #: the photo (pipeline/outline_support.py): on a blank or flat image the U-Net otherwise
    #: draws a hand-sized blob of nothing. No validation photo changes
    #: (docs/val_sweep_drop_unseen_*.json), nor any of the 684 hand_boxes photos by over 2 %
    drop_unseen: bool = True
    #: with no hand found, the U-Net's mask of the whole photo only says where to look: each of
    #: its pieces is boxed and segmented as a hand without landmarks would be, at a crop's
    #: resolution, instead of pasting the whole-photo mask (a letterbox of a 2160x4000 photo is a
    #: 256 px view). Pieces under this share of the photo's area are passed over; 0 turns it off
    fallback_pieces: float = 0.002
    #: average with the horizontally flipped crop (slower, slightly smoother)
    tta_flip: bool = False
    #: colour cast: "none", "grayworld" (white-balance every crop) or "auto" (a crop the model is
    #: unsure of is segmented again white-balanced, the surer mask kept; see pipeline/colour.py)
    colour: str = "auto"
    #: under "auto", a crop whose skin (median Lab chroma along the hand's landmark skeleton) is
    #: more vivid than this is also tried white-balanced, the balanced mask kept when it covers at
    #: least as much of the skeleton: a warm lamp makes the model sure of a wrong mask, so the
    #: unsureness rule never fires there (0: off; see pipeline/colour.py). Validation
    #: (docs/val_sweep_cast_chroma.json), IoU / boundary F1 points: warm-lit copies (made by
    #: benchmarks/make_warm_set.py) 11k Hands +0.8 / +3.2 and hgr +0.3 / +2.0; photos in their own
    #: light within 0.05 IoU points. 28 gained more on warm hgr but cost textured backgrounds
    #: 0.7 boundary F1 points; 36 left warm hgr alone
    cast_chroma: float = 32.0
    #: in a grey photo (which MediaPipe is shown tinted, detection/grey.py), a hand with landmarks
    #: is dropped when the U-Net's mask of the whole photo holds it in a piece over this many times
    #: its box's longer side: MediaPipe took the fingers of a large dark hand for a small hand of
    #: their own, and the crops never left that small hand's outline (0: off). On the grey
    #: validation photos such "hands" lay in pieces 11 times their size, real ones at most 3.5
    grey_piece: float = 6.0

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if not 0.0 <= self.margin <= 2.0:
            raise ValueError(f"margin must be in [0, 2], got {self.margin}")
        if not 0.0 < self.grow_flood <= 1.0:
            raise ValueError(f"grow_flood must be in (0, 1], got {self.grow_flood}")
        if not 0.0 <= self.context_margin <= 4.0:
            raise ValueError(f"context_margin must be in [0, 4], got {self.context_margin}")
        if self.colour_edge < 0:
            raise ValueError(f"colour_edge must be at least 0, got {self.colour_edge}")
        if self.cast_chroma < 0:
            raise ValueError(f"cast_chroma must be at least 0, got {self.cast_chroma}")
        if self.vivid_trim < 0:
            raise ValueError(f"vivid_trim must be at least 0, got {self.vivid_trim}")
        if self.sleeve_cut < 0:
            raise ValueError(f"sleeve_cut must be at least 0, got {self.sleeve_cut}")
        if self.tip_reach < 0:
            raise ValueError(f"tip_reach must be at least 0, got {self.tip_reach}")
        if self.context_reach < 0:
            raise ValueError(f"context_reach must be at least 0, got {self.context_reach}")
        if not 0.0 < self.context_cone < 90.0:  # the cone is drawn as a triangle: under 90 degrees
            raise ValueError(f"context_cone must be in (0, 90) degrees, got {self.context_cone}")
        if not 0.0 < self.colour_check_cone_deg < 90.0:
            raise ValueError(f"colour_check_cone_deg must be in (0, 90) degrees, got {self.colour_check_cone_deg}")
        if not 0.0 <= self.upright_tilt < 90.0:
            raise ValueError(f"upright_tilt must be in [0, 90) degrees, got {self.upright_tilt}")
        if self.grey_piece < 0:
            raise ValueError(f"grey_piece must be at least 0, got {self.grey_piece}")
        if self.colour not in COLOUR_MODES:
            raise ValueError(f"colour must be one of {COLOUR_MODES}, got {self.colour!r}")
        if self.max_hands < 1:
            raise ValueError("max_hands must be at least 1")
